/// One step of a schema's history.
package struct Migration: Sendable {
    /// The `user_version` the schema has once this step is applied (1, 2, ...).
    package let version: Int
    /// What the step does, for error reports.
    package let name: String
    /// The statements of the step.
    package let sql: String

    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// The file was written by a newer build, whose schema this build does not know.
package struct NewerSchemaError: Error, Sendable {
    /// The `user_version` found in the file.
    package let found: Int
    /// The newest version this build knows.
    package let supported: Int
}

/// Applies migrations in order, each in its own transaction, recording the
/// version in `user_version` (as Mozilla's application-services and GRDB's
/// `DatabaseMigrator` do).
package struct Migrator: Sendable {
    /// The steps, in order of version.
    package let migrations: [Migration]
    /// What the steps make at `latestVersion`, so that opening a current
    /// file need not replay the history (a replay in memory costs about as
    /// much as the rest of opening: 22 M of 25 M instructions). Empty: replay
    /// at every version. `replayedSchema()` is what it must equal; a test
    /// says so.
    package let latestSchema: [SchemaObject]

    /// - Precondition: versions are 1, 2, 3, ... in order.
    package init(_ migrations: [Migration], latestSchema: [SchemaObject] = []) {
        precondition(migrations.enumerated().allSatisfy { $0.element.version == $0.offset + 1 },
                     "migrations must be numbered 1, 2, 3, ...")
        self.migrations = migrations
        self.latestSchema = latestSchema
    }

    /// The newest version.
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Fails, without writing anything, when the file is from a newer build.
    package func checkCompatible(_ database: Database) throws {
        let found = try database.userVersion()
        if found > latestVersion { throw NewerSchemaError(found: found, supported: latestVersion) }
    }

    /// Fails, without writing or running anything, when the file's schema
    /// is not what this history made at the file's version: a trigger,
    /// view, table or index that no step created (a planted trigger would
    /// run on this connection with every write), or a trigger or view
    /// whose statement differs from the step's. What the history made is
    /// `latestSchema` for a current file, else found by replaying the history
    /// in memory up to the file's version. Tables and indexes are compared by
    /// name, type and table, not by their text, which `ALTER TABLE` edits
    /// and an older SQLite may have edited otherwise; with `trusted_schema`
    /// off nothing in them runs a function with side effects.
    ///
    /// Call it after `checkCompatible` and before anything is written.
    package func checkSchema(_ database: Database) throws {
        let version = try database.userVersion()
        guard version <= latestVersion else { throw NewerSchemaError(found: version, supported: latestVersion) }
        let made = version == latestVersion && !latestSchema.isEmpty ? latestSchema : try replayedSchema(upTo: version)
        let expected = Dictionary(made.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let found = try SchemaObject.all(in: database)
        for object in found where !SchemaObject.internalTables.contains(object.name) {
            guard let made = expected[object.name], made.type == object.type, made.table == object.table,
                  object.type == "table" || object.type == "index" || made.sql == object.sql else {
                throw ForeignSchemaError(type: object.type, name: object.name, missing: false)
            }
        }
        let names = Set(found.map(\.name))
        if let missing = expected.values.sorted(by: { $0.name < $1.name }).first(where: { !names.contains($0.name) }) {
            throw ForeignSchemaError(type: missing.type, name: missing.name, missing: true)
        }
    }

    /// What the history makes up to `version` (the latest by default), found
    /// by applying it to an empty database in memory.
    package func replayedSchema(upTo version: Int? = nil) throws -> [SchemaObject] {
        let reference = try Database(path: ":memory:", create: true)
        try migrate(reference, upTo: version ?? latestVersion)
        return try SchemaObject.all(in: reference)
    }

    /// Applies every step after the file's version.
    ///
    /// Each step re-reads the version inside its write transaction, so two
    /// processes opening one file at once never apply a step twice.
    package func migrate(_ database: Database) throws {
        try migrate(database, upTo: latestVersion)
    }

    /// Applies the steps after the file's version, up to `version`.
    private func migrate(_ database: Database, upTo version: Int) throws {
        for migration in migrations where migration.version <= version {
            try database.transaction {
                let current = try database.userVersion()
                if current > latestVersion { throw NewerSchemaError(found: current, supported: latestVersion) }
                guard current < migration.version else { return }
                try database.executeScript(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}

/// The file's schema holds something its history did not make: a trigger,
/// view, table or index planted in it, or one changed; or misses one the
/// history made. Names what it found, never the file.
package struct ForeignSchemaError: Error, Sendable, CustomStringConvertible {
    /// `table`, `index`, `view` or `trigger`.
    package let type: String
    /// Its name in the schema.
    package let name: String
    /// The history made it and the file lacks it.
    package let missing: Bool

    package var description: String {
        missing ? "\(type) \(name) is missing" : "\(type) \(name) was not made by this store's schema history"
    }
}

/// One row of `sqlite_master`.
package struct SchemaObject: Sendable, Hashable {
    /// `table`, `index`, `view` or `trigger`.
    package let type: String
    /// Its name.
    package let name: String
    /// The table it belongs to (itself for a table).
    package let table: String
    /// The statement that made it; nil for an index SQLite made itself.
    package let sql: String?

    package init(type: String, name: String, table: String, sql: String?) {
        self.type = type
        self.name = name
        self.table = table
        self.sql = sql
    }

    /// Tables SQLite itself may add to any file (`ANALYZE`, `PRAGMA optimize`).
    static let internalTables: Set<String> = ["sqlite_stat1", "sqlite_stat4"]

    static func all(in database: Database) throws -> [SchemaObject] {
        try database.query("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name") { row in
            SchemaObject(type: row.text(0), name: row.text(1), table: row.text(2), sql: row.optionalText(3))
        }
    }
}
