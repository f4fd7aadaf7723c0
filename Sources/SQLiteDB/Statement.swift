import CSQLite

/// A prepared statement, finalized when it goes away.
package final class Statement {
    let handle: OpaquePointer
    /// The SQL text, kept for error reports.
    package let sql: String
    /// Whether running it leaves the file unchanged: `sqlite3_stmt_readonly`,
    /// or a pragma that sets nothing (no `=` and no argument), which SQLite
    /// does not count as read-only though it only reads (`PRAGMA
    /// journal_mode`, `data_version`, `user_version`). Known once prepared.
    let isReadOnly: Bool
    private unowned let database: Database

    init(database: Database, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(lastErrorOn: database.handle, code: code, sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
        isReadOnly = sqlite3_stmt_readonly(statement) != 0 || Self.isPragmaQuery(sql)
    }

    private static func isPragmaQuery(_ sql: String) -> Bool {
        let words = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        let isPragma = words.prefix(6).map { $0 | 0x20 } == Array("pragma".utf8)
        return isPragma && !sql.utf8.contains(UInt8(ascii: "=")) && !sql.utf8.contains(UInt8(ascii: "("))
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    package func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.sqliteValue {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                code = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                code = csqlite_bind_text(handle, index, text, -1)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    csqlite_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count))
                }
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(lastErrorOn: database.handle, code: code, sql: sql)
            }
        }
    }

    /// Ends the current run, releasing what it holds (a read, say), and
    /// clears the bound values.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Steps once: true while there is a row to read.
    package func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        case let code:
            let error = SQLiteError(lastErrorOn: database.handle, code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// The current row, valid until the next step.
    package var row: Row { Row(statement: handle) }
}

/// The columns of the row a statement stands on.
package struct Row {
    let statement: OpaquePointer

    /// Whether column `index` holds NULL.
    package func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(statement, index) == SQLITE_NULL
    }

    /// Column `index` as an integer (0 for NULL).
    package func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(statement, index)
    }

    /// Column `index` as an integer, or nil for NULL.
    package func optionalInt64(_ index: Int32) -> Int64? {
        isNull(index) ? nil : int64(index)
    }

    /// Column `index` as text ("" for NULL).
    package func text(_ index: Int32) -> String {
        optionalText(index) ?? ""
    }

    /// Column `index` as text, or nil for NULL.
    package func optionalText(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
