import Libc

/// The store's file on disk, before SQLite opens it: created owner-only,
/// never recreated or deleted.
package enum StoreFile {
    /// Makes sure `path` can be opened by SQLite with the right permissions.
    ///
    /// - A missing directory is created (0700) only when `createDirectory` is
    ///   true; otherwise it is an error, since a missing directory usually
    ///   means a wrong path or an absent volume, not a wish for a new store.
    /// - A missing file is created empty with mode 0600 before SQLite sees it:
    ///   SQLite gives its `-wal` and `-shm` files the main file's mode, so
    ///   they are owner-only too.
    /// - An existing file is left exactly as it is until SQLite has shown it
    ///   is a store (see `restrictPermissions`).
    static func prepare(path: String, createDirectory: Bool) throws(FileSystemError) {
        let directory = directoryPart(of: path)
        var info = stat()
        if stat(directory, &info) != 0 {
            let code = errno
            guard code == ENOENT, createDirectory else {
                throw FileSystemError(operation: "stat", file: .directory, errno: code)
            }
            try makeDirectories(directory)
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            throw FileSystemError(operation: "stat", file: .directory, errno: ENOTDIR)
        }

        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard descriptor >= 0 else {
            throw FileSystemError(operation: "open", file: .store, errno: errno)
        }
        close(descriptor)
    }

    /// Removes group and other permissions from a store that is known to be
    /// ours, and from SQLite's side files: a file copied in, or made under a
    /// looser umask, must not stay readable by others.
    static func restrictPermissions(of path: String) {
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            let side = path + suffix
            if stat(side, &info) == 0, info.st_mode & 0o077 != 0 {
                chmod(side, info.st_mode & 0o700)
            }
        }
    }

    /// Whether the WAL was removed while it held committed transactions.
    ///
    /// A clean close removes both `-wal` and `-shm`; a crash leaves both. The
    /// `-shm` file starts with the wal-index header, whose `mxFrame` (bytes
    /// 16 to 19, native byte order) counts the WAL frames holding committed
    /// data. A `-shm` that counts frames, beside a missing or shorter `-wal`,
    /// means those commits are gone.
    static func journalWasLost(path: String) -> Bool {
        guard let shm = fopen(path + "-shm", "rb") else { return false }
        defer { fclose(shm) }
        var header = [UInt8](repeating: 0, count: 32)
        guard fread(&header, 1, header.count, shm) == header.count else { return false }
        let frames = header[16..<20].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        let pageSize = Int(header[14..<16].withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
        let isInitialized = header[12] != 0
        guard isInitialized, frames > 0 else { return false }
        var info = stat()
        guard stat(path + "-wal", &info) == 0 else { return true }
        // 32-byte WAL header, then each frame: a 24-byte header and a page.
        let size = pageSize == 1 ? 65_536 : pageSize
        return Int(info.st_size) < 32 + Int(frames) * (24 + size)
    }

    /// The directory part of `path` ("." for a bare file name).
    static func directoryPart(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// `mkdir -p` with mode 0700 for each directory it creates, for files
    /// that live beside the store (the shell's emulator state).
    package static func makePrivateDirectory(_ directory: String) throws(AccountError) {
        var info = stat()
        guard stat(directory, &info) != 0 else { return }
        do {
            try makeDirectories(directory)
        } catch {
            throw AccountError(mapping: error)
        }
    }

    /// `mkdir -p` with mode 0700 for each directory it creates.
    private static func makeDirectories(_ directory: String) throws(FileSystemError) {
        let parent = directoryPart(of: directory)
        var info = stat()
        if parent != directory, stat(parent, &info) != 0 {
            try makeDirectories(parent)
        }
        if mkdir(directory, mode_t(0o700)) != 0, errno != EEXIST {
            throw FileSystemError(operation: "mkdir", file: .directory, errno: errno)
        }
    }
}
