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

/// What a failed SQLite call means for whoever keeps the file, in a few
/// values of this module's own, so that no caller needs SQLite's codes.
package enum SQLiteFailure: Hashable, Sendable {
    /// The file is not an SQLite database.
    case notADatabase
    /// The file is damaged: corrupt pages, or shorter than its header says.
    case damaged
    /// The file or its directory may not be written.
    case readOnly
    /// The file could not be opened; `errno` is the system's reason, or 0.
    case cannotOpen(errno: Int32)
    /// The disk is full.
    case full
    /// Another connection held the lock too long.
    case busy
    /// Any other failure to read or write.
    case ioFailure
}

extension SQLiteError {
    /// What the failure means.
    package var failure: SQLiteFailure {
        switch primaryCode {
        case SQLITE_NOTADB: .notADatabase
        case SQLITE_CORRUPT: .damaged
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH: .readOnly
        case SQLITE_CANTOPEN: .cannotOpen(errno: systemErrno)
        case SQLITE_FULL: .full
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        // SQLITE_IOERR_SHORT_READ, a macro Swift cannot import: the file ends
        // before the pages its header promises.
        case SQLITE_IOERR where code == SQLITE_IOERR | (2 << 8): .damaged
        default: .ioFailure
        }
    }
}
