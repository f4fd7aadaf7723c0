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

    /// - Precondition: versions are 1, 2, 3, ... in order.
    package init(_ migrations: [Migration]) {
        precondition(migrations.enumerated().allSatisfy { $0.element.version == $0.offset + 1 },
                     "migrations must be numbered 1, 2, 3, ...")
        self.migrations = migrations
    }

    /// The newest version.
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Fails, without writing anything, when the file is from a newer build.
    package func checkCompatible(_ database: Database) throws {
        let found = try database.userVersion()
        if found > latestVersion { throw NewerSchemaError(found: found, supported: latestVersion) }
    }

    /// Applies every step after the file's version.
    ///
    /// Each step re-reads the version inside its write transaction, so two
    /// processes opening one file at once never apply a step twice.
    package func migrate(_ database: Database) throws {
        for migration in migrations {
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
