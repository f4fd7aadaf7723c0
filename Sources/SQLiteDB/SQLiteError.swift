import CSQLite

/// A failed SQLite call, with everything needed to understand it later.
///
/// This is a rich internal error: it never reaches an app. `AccountCore` maps
/// it to the public `AccountError` in one place.
package struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_IOERR_SHORT_READ`, ...).
    package let code: Int32
    /// SQLite's own message (`sqlite3_errmsg`), or its static text for the code.
    package let message: String
    /// The statement that failed, when there was one. Never holds values:
    /// every value is bound as a parameter.
    package let sql: String?
    /// The operating system's `errno` behind the failure, when SQLite saw one
    /// (`sqlite3_system_errno`): what tells a read-only directory from a
    /// missing one behind `SQLITE_CANTOPEN`.
    package let systemErrno: Int32

    /// The primary result code (`SQLITE_IOERR` for `SQLITE_IOERR_SHORT_READ`).
    package var primaryCode: Int32 { code & 0xFF }

    package init(code: Int32, message: String? = nil, sql: String? = nil, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message ?? String(cString: sqlite3_errstr(code))
        self.sql = sql
        self.systemErrno = systemErrno
    }

    /// The error SQLite last recorded on `handle`.
    init(lastErrorOn handle: OpaquePointer?, code: Int32, sql: String? = nil) {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        self.init(code: code, message: message, sql: sql, systemErrno: handle.map { sqlite3_system_errno($0) } ?? 0)
    }

    package var description: String {
        var text = "SQLite error \(code) (\(message))"
        if let sql { text += " in `\(sql)`" }
        return text
    }
}
