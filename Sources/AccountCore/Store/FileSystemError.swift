import Libc

/// A failed file system call made while preparing the store's file.
struct FileSystemError: Error, CustomStringConvertible {
    /// What was being done: "create", "open", ...
    let operation: String
    /// The path it was done to.
    let path: String
    /// The `errno` it failed with.
    let errno: Int32

    var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// A fault of the store's files that SQLite itself would not report.
enum StoreFault: Error, Equatable {
    /// The database file was deleted or replaced while open.
    case fileRemoved
    /// The WAL was removed while it held committed transactions.
    case journalLost
}
