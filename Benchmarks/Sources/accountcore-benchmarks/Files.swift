#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file operation of the benchmark itself failed.
struct FileError: Error, CustomStringConvertible {
    let description: String

    init(_ operation: String, _ path: String, errno code: Int32 = errno) {
        description = "\(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// Whole-file reads and writes, sizes and existence, over POSIX calls.
enum Files {
    /// The bytes of the file at `path`.
    static func contents(of path: String) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError("open", path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FileError("read", path) }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
        }
    }

    /// Replaces the file at `path` with `bytes` (owner-only).
    static func save(_ bytes: [UInt8], to path: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError("open", path) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw FileError("write", path) }
            offset += count
        }
    }

    /// Replaces the file at `path` with `text` in UTF-8.
    static func save(_ text: String, to path: String) throws(FileError) {
        try save(Array(text.utf8), to: path)
    }

    /// The size of the file at `path`, following symbolic links (a library
    /// is counted once, as the file the loader maps); nil when missing.
    static func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Whether a regular file (or a link to one) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Makes the directory at `path` (mode 0755: the charts go into the
    /// repository) unless it is there.
    static func makeDirectory(_ path: String) throws(FileError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw FileError("mkdir", path) }
    }

    /// Copies the file at `source` to `destination`, keeping its mode.
    static func copy(_ source: String, to destination: String) throws(FileError) {
        try save(try contents(of: source), to: destination)
        var info = stat()
        if stat(source, &info) == 0 { chmod(destination, info.st_mode & 0o777) }
    }

    /// The directory part of `path`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A private directory for one run's files, removed when the run ends.
final class ScratchDirectory {
    /// Its absolute path.
    let path: String
    private var counter = 0

    /// Creates `$TMPDIR/accountcore-benchmarks-XXXXXX` (mode 0700).
    init() throws(FileError) {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/accountcore-benchmarks-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let made else { throw FileError("mkdtemp", base) }
        path = made
    }

    deinit {
        Self.remove(path)
    }

    /// `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// A new, unused path inside the directory, starting with `prefix`.
    func uniquePath(_ prefix: String) -> String {
        counter += 1
        return file("\(prefix)-\(counter)")
    }

    /// Makes and returns the subdirectory `name` (mode 0700).
    func directory(_ name: String) throws(FileError) -> String {
        let made = file(name)
        guard mkdir(made, 0o700) == 0 || errno == EEXIST else { throw FileError("mkdir", made) }
        return made
    }

    /// Deletes `path` and everything under it. Best effort: a leftover file
    /// in a temporary directory must not fail a finished run.
    private static func remove(_ path: String) {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let child = path + "/" + name
                var info = stat()
                if lstat(child, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                    remove(child)
                } else {
                    unlink(child)
                }
            }
            closedir(directory)
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
