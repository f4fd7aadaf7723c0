import CSQLite

/// One SQLite connection.
///
/// Not thread-safe by itself: its owner serializes access (the store keeps
/// it behind a mutex), as GRDB's `SerializedDatabase` does with a queue.
package final class Database {
    let handle: OpaquePointer
    /// The file this connection opened.
    package let path: String
    /// Prepared statements by their SQL, reused as GRDB does: preparing
    /// `BEGIN`, the `INSERT` and `COMMIT` again on every enqueue costs more
    /// than the insert itself.
    private var statements: [String: Statement] = [:]
    /// Whether a statement that would change the file is refused
    /// (`setQueryOnly(_:)`).
    package private(set) var isQueryOnly = false

    /// Opens `path` for reading and writing, creating it when `create` is true.
    ///
    /// Extended result codes are on, so that errors say `SQLITE_IOERR_SHORT_READ`
    /// rather than `SQLITE_IOERR`.
    package init(path: String, create: Bool) throws(SQLiteError) {
        var handle: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            // "Whether or not an error occurs when it is opened, resources
            // associated with the database connection handle should be released
            // by passing it to sqlite3_close() when it is no longer required."
            let error = SQLiteError(lastErrorOn: handle, code: code)
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        // SQLite's "defense against the dark arts", for a file that may have
        // been tampered with: no writes to the schema table or other ways to
        // corrupt the file by statement (SQLITE_DBCONFIG_DEFENSIVE), and no
        // function with side effects run from a trigger, view or index the
        // file holds (trusted_schema off).
        for (option, value) in [(SQLITE_DBCONFIG_DEFENSIVE, Int32(1)), (SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)] {
            var result: Int32 = -1
            let code = csqlite_db_config_int(handle, option, value, &result)
            guard code == SQLITE_OK, result == value else {
                let error = SQLiteError(code: code == SQLITE_OK ? SQLITE_ERROR : code,
                                        message: "sqlite3_db_config(\(option)) refused")
                sqlite3_close_v2(handle)
                throw error
            }
        }
        self.handle = handle
        self.path = path
    }

    /// Whether `close()` ran.
    package private(set) var isClosed = false

    deinit {
        close()
    }

    /// Closes the connection now, its cached statements first, so the file's
    /// descriptors are released before this returns. Later calls fail with
    /// `SQLITE_MISUSE`; closing twice does nothing.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// How long a statement waits for another connection's lock before failing
    /// with `SQLITE_BUSY`.
    package func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Prepares one statement (refused, while `isQueryOnly`, if it would
    /// change the file).
    package func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        guard !isClosed else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        return try allowed(Statement(database: self, sql: sql))
    }

    /// The prepared statement for `sql`, from the cache or made and kept;
    /// refused, while `isQueryOnly`, if it would change the file.
    private func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statements[sql] { return try allowed(statement) }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// `statement`, unless the connection refuses writes and it would
    /// write (`sqlite3_stmt_readonly`), which fails as SQLite's own
    /// `query_only` does.
    private func allowed(_ statement: Statement) throws(SQLiteError) -> Statement {
        guard isQueryOnly, !statement.isReadOnly else { return statement }
        throw Self.readOnly(statement.sql)
    }

    private static func readOnly(_ sql: String) -> SQLiteError {
        SQLiteError(code: SQLITE_READONLY, message: "attempt to write a readonly database (a read)", sql: sql)
    }

    /// Runs one statement that returns no rows we need.
    package func execute(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) {
        let statement = try cached(sql)
        // Reset after use, so a cached statement never keeps a read open.
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
        // `BEGIN` writes nothing itself (`sqlite3_stmt_readonly` says so)
        // but would open a write transaction where none may be.
        if isQueryOnly, sqlite3_get_autocommit(handle) == 0 {
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw Self.readOnly(sql)
        }
    }

    /// Runs a script of several statements, with no parameters.
    package func executeScript(_ sql: String) throws(SQLiteError) {
        guard !isClosed else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        guard !isQueryOnly else { throw Self.readOnly(sql) }
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError(lastErrorOn: handle, code: code, sql: sql) }
    }

    /// Runs a query and turns each row into a value.
    package func query<Value>(
        _ sql: String, _ values: [any SQLiteBindable] = [], row transform: (Row) throws -> Value
    ) throws -> [Value] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [Value] = []
        while try statement.step() {
            rows.append(try transform(statement.row))
        }
        return rows
    }

    /// Runs a query and turns rows into values, leaving out those `transform`
    /// answers nil for, and stops once it has `limit` values (nil: all of
    /// them): rows left out do not count, as they would against SQL's `LIMIT`.
    package func query<Value>(
        _ sql: String, _ values: [any SQLiteBindable] = [], limit: Int?, compacting transform: (Row) throws -> Value?
    ) throws -> [Value] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [Value] = []
        while limit.map({ rows.count < $0 }) ?? true, try statement.step() {
            if let value = try transform(statement.row) { rows.append(value) }
        }
        return rows
    }

    /// The first column of the first row, as an integer; nil when there is no row.
    package func scalarInt(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) -> Int64? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? statement.row.optionalInt64(0) : nil
    }

    /// The first column of the first row, as text; nil when there is no row.
    package func scalarText(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) -> String? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? statement.row.optionalText(0) : nil
    }

    /// Whether the file this connection opened was deleted, renamed or
    /// replaced since (`SQLITE_FCNTL_HAS_MOVED`): SQLite would go on writing
    /// to the unlinked file, and the writes would vanish on close.
    package func fileHasMoved() -> Bool {
        guard !isClosed else { return false }
        var moved: Int32 = 0
        let code = sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved)
        return code == SQLITE_OK && moved != 0
    }

    /// What a value read from this file depends on: this connection's own
    /// changes (`sqlite3_total_changes64`, every row it inserted, updated
    /// or deleted, a rolled-back one included) and other connections'
    /// commits (`PRAGMA data_version`). Equal stamps mean nothing was
    /// written in between, so a value read then may be used again.
    package func changeStamp() throws(SQLiteError) -> ChangeStamp {
        ChangeStamp(ownChanges: sqlite3_total_changes64(handle), othersVersion: try scalarInt("PRAGMA data_version") ?? 0)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a transaction: committed when it returns, rolled back
    /// when it throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock at once, so two processes never
    /// both read, decide and then collide on the write (`SQLITE_BUSY` mid-way).
    package func transaction<Value>(_ body: () throws -> Value) throws -> Value {
        if isQueryOnly { throw Self.readOnly("BEGIN IMMEDIATE") }
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // A failed COMMIT may already have rolled back; ignore "no transaction".
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// Makes the connection refuse every statement that would change the
    /// file, as `PRAGMA query_only` does, or lets it again: refused, such a
    /// statement fails with `SQLITE_READONLY` before it runs, and a `BEGIN`
    /// is rolled back. Not the pragma itself: setting a flag pragma expires
    /// every prepared statement, so toggling it around each write made a
    /// durable enqueue recompile its statements, a third of its cost.
    package func setQueryOnly(_ queryOnly: Bool) {
        isQueryOnly = queryOnly
    }

    /// Runs `body` with writes allowed, then refuses them again, whether
    /// `body` returns or throws.
    package func allowingWrites<Value>(_ body: () throws -> Value) rethrows -> Value {
        isQueryOnly = false
        defer { isQueryOnly = true }
        return try body()
    }

    /// Checkpoints the write-ahead log and truncates it
    /// (`SQLITE_CHECKPOINT_TRUNCATE`): what a wipe does so that deleted
    /// rows leave the log. Not a write of content, so allowed while
    /// `isQueryOnly`.
    package func checkpointTruncating() throws(SQLiteError) {
        guard !isClosed else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        // Busy: another connection reads; SQLite completes it when the last one closes.
        guard code == SQLITE_OK || code == SQLITE_BUSY else { throw SQLiteError(lastErrorOn: handle, code: code) }
    }

    /// The schema version recorded in the file header (`PRAGMA user_version`).
    package func userVersion() throws(SQLiteError) -> Int {
        Int(try scalarInt("PRAGMA user_version") ?? 0)
    }
}

/// See `Database.changeStamp()`.
package struct ChangeStamp: Hashable, Sendable {
    let ownChanges: Int64
    let othersVersion: Int64
}
