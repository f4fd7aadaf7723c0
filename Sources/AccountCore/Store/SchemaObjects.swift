import SQLiteDB

extension Schema {
    /// What the history makes at its latest version (`Migrator.latestSchema`):
    /// each object's type, name and table, and the statement of each trigger
    /// (the only objects whose text is compared). A new step changes it;
    /// `SchemaTests` shows it equals the history replayed, and prints the
    /// table anew when it does not.
    static let latestObjects: [SchemaObject] = [
        SchemaObject(type: "table", name: "audit", table: "audit", sql: nil),
        SchemaObject(type: "index", name: "audit_by_account", table: "audit", sql: nil),
        SchemaObject(type: "table", name: "cache", table: "cache", sql: nil),
        SchemaObject(type: "table", name: "credential", table: "credential", sql: nil),
        SchemaObject(type: "index", name: "credential_by_account", table: "credential", sql: nil),
        SchemaObject(type: "table", name: "environment_unnamed", table: "environment_unnamed", sql: nil),
        SchemaObject(type: "table", name: "outbox", table: "outbox", sql: nil),
        SchemaObject(type: "index", name: "outbox_by_account", table: "outbox", sql: nil),
        SchemaObject(type: "index", name: "outbox_by_kind", table: "outbox", sql: nil),
        SchemaObject(type: "index", name: "outbox_queued", table: "outbox", sql: nil),
        SchemaObject(type: "table", name: "outbox_tally", table: "outbox_tally", sql: nil),
        SchemaObject(type: "trigger", name: "outbox_tally_delete", table: "outbox", sql: """
            CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
                DELETE FROM outbox_tally
                WHERE account = old.account AND environment = old.environment AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1
                WHERE account = old.account AND environment = old.environment AND state = old.state;
            END
            """),
        SchemaObject(type: "trigger", name: "outbox_tally_insert", table: "outbox", sql: """
            CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                INSERT INTO outbox_tally (account, environment, state, count)
                VALUES (new.account, new.environment, new.state, 1)
                ON CONFLICT (account, environment, state) DO UPDATE SET count = count + 1;
            END
            """),
        SchemaObject(type: "trigger", name: "outbox_tally_update", table: "outbox", sql: """
            CREATE TRIGGER outbox_tally_update AFTER UPDATE OF account, state, environment ON outbox
            WHEN old.account IS NOT new.account OR old.state IS NOT new.state
                 OR old.environment IS NOT new.environment BEGIN
                DELETE FROM outbox_tally
                WHERE account = old.account AND environment = old.environment AND state = old.state AND count = 1;
                UPDATE outbox_tally SET count = count - 1
                WHERE account = old.account AND environment = old.environment AND state = old.state;
                INSERT INTO outbox_tally (account, environment, state, count)
                VALUES (new.account, new.environment, new.state, 1)
                ON CONFLICT (account, environment, state) DO UPDATE SET count = count + 1;
            END
            """),
        SchemaObject(type: "index", name: "sqlite_autoindex_outbox_1", table: "outbox", sql: nil),
        SchemaObject(type: "index", name: "sqlite_autoindex_outbox_2", table: "outbox", sql: nil),
        SchemaObject(type: "table", name: "store_key", table: "store_key", sql: nil),
    ]
}
