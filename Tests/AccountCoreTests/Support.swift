import FoundationEssentials
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory per test, removed afterwards (as GRDB's test cases make
/// a fresh database per test).
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/accountcore-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXFailure(call: "mkdtemp") }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        // Make every directory writable again so the tree can be removed.
        _ = try? run("/bin/chmod", ["-R", "u+rwx", path])
        _ = try? run("/bin/rm", ["-rf", path])
    }
}

struct POSIXFailure: Error {
    let call: String
    var errnoValue: Int32 = errno
}

/// The bytes of a file, or nil when it does not exist.
func contents(of path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

func write(_ bytes: [UInt8], to path: String) throws {
    guard let file = fopen(path, "wb") else { throw POSIXFailure(call: "fopen") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw POSIXFailure(call: "fwrite") }
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// Permission bits of a file.
func mode(of path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
}

/// Modification time, in nanoseconds.
func modificationTime(of path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
}

/// True when `needle` occurs in `haystack`.
func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
    let pattern = Array(needle.utf8)
    guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
    return (0...(haystack.count - pattern.count)).contains { start in
        haystack[start] == pattern[0] && haystack[start..<(start + pattern.count)].elementsEqual(pattern)
    }
}

/// Runs a program and returns its standard output; throws on a non-zero exit.
@discardableResult
func run(_ program: String, _ arguments: [String]) throws -> String {
    var pipe: [Int32] = [0, 0]
    guard pipe.withUnsafeMutableBufferPointer({ Glibc.pipe($0.baseAddress) }) == 0 else { throw POSIXFailure(call: "pipe") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
    close(pipe[1])
    guard spawned == 0 else { close(pipe[0]); throw POSIXFailure(call: "posix_spawn \(program)", errnoValue: spawned) }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(pipe[0], &buffer, buffer.count)
        if count <= 0 { break }
        output.append(contentsOf: buffer[0..<count])
    }
    close(pipe[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    guard status == 0 else { throw POSIXFailure(call: "\(program) exited with \(status)") }
    return String(decoding: output, as: UTF8.self)
}

/// The uid of `nobody`, which owns nothing of ours.
let nobody: uid_t = 65_534

@_silgen_name("setfsuid")
private func setfsuid(_ uid: uid_t) -> Int32

/// Runs `body` with the file system permissions of `nobody` when the tests
/// run as root (as CI does), so that a read-only directory is read-only:
/// root's CAP_DAC_OVERRIDE would otherwise write anywhere. The file system
/// uid is per thread on Linux, so `body` runs on a thread of its own and
/// nothing else in the process is affected.
func withFilesystemAccessOfNobody<Value>(_ body: @escaping () -> Value) -> Value {
    guard geteuid() == 0 else { return body() }
    let box = ThreadBox(body)
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue()
        _ = setfsuid(nobody)
        (box as? any RunnableBox)?.run()
        _ = setfsuid(0)
        return nil
    }, Unmanaged.passUnretained(box).toOpaque())
    precondition(created == 0, "pthread_create failed")
    pthread_join(thread, nil)
    guard let result = box.result else { fatalError("thread produced no result") }
    return result
}

private protocol RunnableBox: AnyObject { func run() }

/// Carries a closure to a new thread and its result back; joined before read.
private final class ThreadBox<Value>: RunnableBox, @unchecked Sendable {
    let body: () -> Value
    var result: Value?
    init(_ body: @escaping () -> Value) { self.body = body }
    func run() { result = body() }
}

/// Hands a directory (and what is in it) to `nobody`, so the thread of
/// `withFilesystemAccessOfNobody` acts as its owner.
func giveToNobody(_ path: String) throws {
    if geteuid() == 0 { try run("/bin/chown", ["-R", "\(nobody)", path]) }
}
