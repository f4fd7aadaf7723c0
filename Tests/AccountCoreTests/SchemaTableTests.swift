@testable import AccountCore
import SQLiteDB
import Testing

@Suite("Store: the latest schema's table")
struct SchemaTableTests {
    /// The table `checkSchema` uses for a current file instead of a replay
    /// must be what the history makes: tables and indexes by type, name and
    /// table, triggers and views by their statement too.
    @Test("Schema.latestObjects is the history replayed in memory")
    func latestObjectsAreTheHistory() throws {
        let replayed = try Schema.migrator.replayedSchema().filter { !$0.name.hasPrefix("sqlite_stat") }.map { object in
            object.type == "trigger" || object.type == "view"
                ? object : SchemaObject(type: object.type, name: object.name, table: object.table, sql: nil)
        }
        #expect(replayed == Schema.latestObjects, """
            Schema.latestObjects differs from the history; the table is now:
            \(replayed.map { "\($0.type) \($0.name) on \($0.table): \($0.sql ?? "-")" }.joined(separator: "\n"))
            """)
    }

    /// A trigger planted in a current file is found by the table as it was
    /// by the replay, and so is one changed.
    @Test("a current file with a trigger changed or planted is refused without a replay")
    func currentFileChecked() throws {
        let database = try Database(path: ":memory:", create: true)
        try Schema.migrator.migrate(database)
        try Schema.migrator.checkSchema(database)
        try database.executeScript("""
            DROP TRIGGER outbox_tally_insert;
            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN SELECT 1; END;
            """)
        #expect(throws: ForeignSchemaError.self) { try Schema.migrator.checkSchema(database) }
    }
}
