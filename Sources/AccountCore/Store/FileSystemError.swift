import Libc

/// A failed file system call made while preparing the store's file.
///
/// It names which of the store's files it was about, never the path: a
/// path names the user on a phone, and error details end up in an app's
/// logs and crash reports.
struct FileSystemError: Error, CustomStringConvertible {
    /// What was being done: "create", "open", ...
    let operation: String
    /// Which file it was done to.
    let file: StoreFileRole
    /// The `errno` it failed with.
    let errno: Int32

    var description: String {
        "\(operation) \(file.rawValue): \(String(cString: strerror(errno)))"
    }
}

/// Which of the store's files something is about: what a detail says
/// instead of its path.
enum StoreFileRole: String, Sendable {
    /// The database file.
    case store = "the store's file"
    /// The folder the store is in (or one above it, being created).
    case directory = "the store's directory"
    /// SQLite's write-ahead log, `-wal` beside the store.
    case journal = "the store's journal (WAL)"
    /// The lock that keeps drains apart, `-drain.lock` beside the store.
    case drainLock = "the store's drain lock"
}

/// A fault of the store's files that SQLite itself would not report.
enum StoreFault: Error, Equatable {
    /// The database file was deleted or replaced while open.
    case fileRemoved
    /// The WAL was removed while it held committed transactions.
    case journalLost
}
