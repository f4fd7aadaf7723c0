/// What went wrong with the local store. Each is reported, never repaired
/// behind the user's back: nothing is deleted or recreated.
public enum StorageProblem: Hashable, Sendable {
    /// The file exists but is not an SQLite database.
    case notADatabase
    /// The file is damaged (truncated, or its pages are corrupt).
    case damaged
    /// The file was written by a newer build of AccountCore.
    case newerSchema(found: Int, supported: Int)
    /// The directory that should hold the file does not exist.
    case directoryMissing
    /// The file or its directory may not be written (permissions or a
    /// read-only file system).
    case readOnly
    /// The file could not be opened or created for another reason.
    case cannotOpen
    /// The disk (or the store's size limit) is full.
    case full
    /// Another process held the database locked for too long.
    case busy
    /// Reading or writing the file failed.
    case ioFailure
    /// A value in the store could not be read back.
    case unreadableRecord
    /// The file was deleted or replaced while the store had it open: what
    /// was written since is not in the file at the path.
    case fileRemoved
    /// The journal (`-wal`) was removed while it held committed changes:
    /// they are lost, and the store is not opened as if nothing happened.
    case journalLost
    /// The file holds a trigger, view, table or index (`type`, `name`)
    /// that no version of AccountCore made: it may have been tampered
    /// with. It was refused at open, before anything in it ran or anything
    /// was written.
    case foreignSchema(type: String, name: String)
}
