import CSQLite

/// A value of one column, as the references bind and read it.
enum RawValue {
    case null
    case integer(Int64)
    case text(String)
}

/// An SQLite call of a reference failed.
struct RawSQLiteError: Error, CustomStringConvertible {
    let description: String
}

/// The references' side: plain `sqlite3_*` calls with no layer of ours in
/// between, so a ratio shows what our layers cost over SQLite itself.
///
/// Statements are prepared once and reused, as a careful C programmer
/// would.
final class RawConnection {
    let handle: OpaquePointer

    /// `sqlite3_open_v2` with `flags` (read-write, and create when asked).
    init(path: String, create: Bool) throws(RawSQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_close_v2(handle)
            throw RawSQLiteError(description: "sqlite3_open_v2 \(path): \(String(cString: sqlite3_errstr(code)))")
        }
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The pragmas `AccountStore` sets, in its order: WAL, `synchronous=FULL`,
    /// foreign keys, secure delete.
    func applyStorePragmas() throws(RawSQLiteError) {
        let mode = try scalarText("PRAGMA journal_mode = WAL")
        guard mode == "wal" else { throw RawSQLiteError(description: "WAL refused: \(mode ?? "none")") }
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA secure_delete = ON")
    }

    /// `sqlite3_exec` of `sql` (one or more statements, no results).
    func execute(_ sql: String) throws(RawSQLiteError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, sql) }
    }

    /// Prepares `sql` once, for many steps.
    func prepare(_ sql: String) throws(RawSQLiteError) -> RawStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql) }
        return RawStatement(handle: statement, connection: self)
    }

    /// The first column of the first row as text.
    func scalarText(_ sql: String) throws(RawSQLiteError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// The first column of the first row as an integer.
    func scalarInteger(_ sql: String) throws(RawSQLiteError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return sqlite3_column_int64(statement.handle, 0)
    }

    /// Every row of `sql`, each column as text, integer or null.
    func rows(_ sql: String, _ parameters: [RawValue] = []) throws(RawSQLiteError) -> [[RawValue]] {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        var rows: [[RawValue]] = []
        let columns = sqlite3_column_count(statement.handle)
        while try statement.step() {
            rows.append((0..<columns).map { statement.value($0) })
        }
        return rows
    }

    func error(_ code: Int32, _ sql: String) -> RawSQLiteError {
        RawSQLiteError(description: "\(sql.prefix(80)): \(String(cString: sqlite3_errmsg(handle))) (\(code))")
    }
}

/// A prepared statement of a `RawConnection`, finalized when it goes away.
final class RawStatement {
    let handle: OpaquePointer
    private let connection: RawConnection

    init(handle: OpaquePointer, connection: RawConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` in order.
    func bind(_ values: [RawValue]) throws(RawSQLiteError) {
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .text(let text): code = csqlite_bind_text(handle, index, text, -1)
            }
            guard code == SQLITE_OK else { throw connection.error(code, "bind") }
        }
    }

    /// Steps once: true while there is a row.
    @discardableResult
    func step() throws(RawSQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw connection.error(code, String(cString: sqlite3_sql(handle)))
        }
    }

    /// Steps a statement that returns no rows, then resets it for reuse.
    func run() throws(RawSQLiteError) {
        try step()
        sqlite3_reset(handle)
    }

    /// Column `index` of the current row as text.
    func text(_ index: Int32) -> String? {
        sqlite3_column_text(handle, index).map { String(cString: $0) }
    }

    /// Column `index` of the current row.
    func value(_ index: Int32) -> RawValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        default: text(index).map(RawValue.text) ?? .null
        }
    }
}
