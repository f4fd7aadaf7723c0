import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The reference of the status figures: a raw SQLite point read of one
/// cached row by its key, as a careful C programmer writes it.
///
/// `SELECT value FROM cache WHERE account = ? AND entry = ?` is prepared
/// once on its own connection to the store's file; each call binds the two
/// keys (C strings made once, bound `SQLITE_STATIC`: no copy), steps, reads
/// the column and touches every byte of it, and resets.
final class PointRead {
    private let connection: RawConnection
    private let statement: RawStatement
    private let account: UnsafeMutablePointer<CChar>
    private let entry: UnsafeMutablePointer<CChar>
    /// What one read folds into the sum; nil before the first.
    private var perRead: UInt64?

    /// Prepares the read of `entry` ("deletion", "profile") of `account`
    /// (an `AccountID`'s raw value) in the store file at `path`.
    init(path: String, account: String, entry: String) throws {
        connection = try RawConnection(path: path, create: false)
        statement = try connection.prepare("SELECT value FROM cache WHERE account = ? AND entry = ?")
        guard let account = strdup(account), let entry = strdup(entry) else { throw BenchmarkError("point read: out of memory") }
        self.account = account
        self.entry = entry
    }

    deinit {
        free(account)
        free(entry)
    }

    /// `calls` reads; their seconds. Each read's length and byte sum are
    /// folded into a sum, checked against what the first read gave, so no
    /// read can be skipped.
    func round(_ calls: Int) throws -> Double {
        if perRead == nil {
            var first = Sink()
            try read(1, into: &first)
            perRead = first.total
        }
        var sink = Sink()
        let seconds = try Stopwatch.time { try read(calls, into: &sink) }.seconds
        guard sink.total == (perRead ?? 0) &* UInt64(calls) else {
            throw BenchmarkError("point read: the cached row changed under the benchmark")
        }
        return seconds
    }

    private func read(_ calls: Int, into sink: inout Sink) throws {
        let handle = statement.handle
        for _ in 0..<calls {
            // A nil destructor is SQLITE_STATIC: SQLite reads the key where it is.
            sqlite3_bind_text(handle, 1, account, -1, nil)
            sqlite3_bind_text(handle, 2, entry, -1, nil)
            let code = sqlite3_step(handle)
            guard code == SQLITE_ROW, let text = sqlite3_column_text(handle, 0) else {
                sqlite3_reset(handle)
                throw BenchmarkError("point read: " + (code == SQLITE_DONE ? "no cached row" : String(cString: sqlite3_errstr(code))))
            }
            let count = Int(sqlite3_column_bytes(handle, 0))
            var sum: UInt64 = 0
            for offset in 0..<count { sum &+= UInt64(text[offset]) }
            sink.consume(sum &+ UInt64(count))
            sqlite3_reset(handle)
        }
    }
}
