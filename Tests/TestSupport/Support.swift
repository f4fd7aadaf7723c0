import FoundationEssentials
import POSIXThread
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the test targets: files, processes, privileges.

/// A fresh directory per test, removed afterwards (as GRDB's test cases make
/// a fresh database per test).
package final class TemporaryDirectory {
    package let path: String

    package init() throws {
        var template = Array("/tmp/accountcore-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXFailure(call: "mkdtemp") }
        path = String(cString: made)
    }

    package func file(_ name: String) -> String { path + "/" + name }

    deinit {
        // Make every directory writable again so the tree can be removed.
        // A deinit cannot wait asynchronously: the blocking variants, for
        // two programs that end in milliseconds.
        _ = try? runBlocking("/bin/chmod", ["-R", "u+rwx", path])
        _ = try? runBlocking("/bin/rm", ["-rf", path])
    }
}

package struct POSIXFailure: Error {
    package let call: String
    package var errnoValue: Int32 = errno

    package init(call: String, errnoValue: Int32 = errno) {
        self.call = call
        self.errnoValue = errnoValue
    }
}

/// The bytes of a file, or nil when it does not exist.
package func contents(of path: String) -> [UInt8]? {
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

package func write(_ bytes: [UInt8], to path: String) throws {
    guard let file = fopen(path, "wb") else { throw POSIXFailure(call: "fopen") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw POSIXFailure(call: "fwrite") }
}

/// Spawn attributes that give a child no blocked signal. Without them a
/// child inherits the signal mask of the thread that spawned it, and the
/// threads of the concurrency pool block signals: a child spawned from one
/// would never see a SIGTERM or SIGINT sent to it.
package func withCleanSignals<Result>(_ body: (UnsafePointer<posix_spawnattr_t>) -> Result) -> Result {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    return body(&attributes)
}

/// SplitMix64: a small seeded generator, the same values on every run and
/// platform, so that a failing random case replays from its seed.
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An environment variable, when set and not empty: how a longer run
/// (more power cuts, more keep-alive rounds) is asked for.
package func environment(_ name: String) -> String? {
    guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
    return value
}

/// The size of the file at `path` in bytes; nil when there is none.
package func fileSize(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
}

package func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// Permission bits of a file.
package func mode(of path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
}

/// Modification time, in nanoseconds.
package func modificationTime(of path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
}

/// True when `needle` occurs in `haystack`.
package func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
    let pattern = Array(needle.utf8)
    guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
    return (0...(haystack.count - pattern.count)).contains { start in
        haystack[start] == pattern[0] && haystack[start..<(start + pattern.count)].elementsEqual(pattern)
    }
}

/// How a program ended and what it printed.
package struct ProcessResult: Sendable {
    /// The exit status, or 128 + the signal that ended it.
    package let status: Int32
    package let standardOutput: [UInt8]
    package let standardError: [UInt8]

    /// Standard output as UTF-8 text.
    package var output: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    package var errorOutput: String { String(decoding: standardError, as: UTF8.self) }
}

/// Runs `body` on a thread of its own and waits for it without holding a
/// thread of Swift's cooperative pool.
///
/// Waiting for a child process blocks a thread (`read`, `waitpid`) for the
/// child's whole life. The pool has one thread per CPU: a few tests waiting
/// on it at once leave no thread for the tests that are ready to run (a
/// burst of requests was seen to stall 41 s between two requests on a
/// 2-CPU machine). Blocking waits in tests go through here, as the
/// library's go through `DetachedThread`.
package func onThreadOfItsOwn<Value: Sendable>(
    _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        let started = DetachedThread.detach {
            continuation.resume(with: Result { try body() })
        }
        if !started { continuation.resume(throwing: POSIXFailure(call: "pthread_create")) }
    }
}

/// Runs `program` with `arguments`, feeding it `input`, and waits for it on
/// a thread of its own (`onThreadOfItsOwn`), never on the cooperative pool.
package func execute(_ program: String, _ arguments: [String], input: [UInt8] = [],
                    environment: [String: String]? = nil) async throws -> ProcessResult {
    try await onThreadOfItsOwn {
        try executeBlocking(program, arguments, input: input, environment: environment)
    }
}

/// Runs `program` and waits for it on the calling thread, which it blocks
/// for the program's whole life. Only for what cannot be async (a `deinit`,
/// a static initializer); everything else calls `execute`.
package func executeBlocking(_ program: String, _ arguments: [String], input: [UInt8] = [],
                            environment: [String: String]? = nil) throws -> ProcessResult {
    var stdinPair: [Int32] = [0, 0], stdoutPair: [Int32] = [0, 0], stderrPair: [Int32] = [0, 0]
    // Close-on-exec, so a process another test spawns at the same moment
    // cannot inherit an end and hold a reader here open; the child's dup2
    // copies are not close-on-exec.
    // Socket pairs, since Glibc's pipe2 is not imported; index 0 is ours.
    let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, type, 0, &stdinPair) == 0, socketpair(AF_UNIX, type, 0, &stdoutPair) == 0,
          socketpair(AF_UNIX, type, 0, &stderrPair) == 0 else {
        throw POSIXFailure(call: "socketpair")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPair[1], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPair[1], 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPair[1], 2)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { environmentStrings?.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = withCleanSignals { attributes in
        environmentStrings.map { posix_spawnp(&pid, program, &actions, attributes, argv, $0) }
            ?? posix_spawnp(&pid, program, &actions, attributes, argv, environ)
    }
    close(stdinPair[1]); close(stdoutPair[1]); close(stderrPair[1])
    guard spawned == 0 else {
        close(stdinPair[0]); close(stdoutPair[0]); close(stderrPair[0])
        throw POSIXFailure(call: "posix_spawn \(program)", errnoValue: spawned)
    }
    // Feed standard input and drain both outputs from their own threads, so
    // a child that fills one pipe never blocks on another.
    let writer = Thread { [input, fd = stdinPair[0]] in
        input.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                // MSG_NOSIGNAL: a child that exits unread must not SIGPIPE the tests.
                let count = send(fd, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if count <= 0 { break }
                offset += count
            }
        }
        close(fd)
        return [UInt8]()
    }
    let errorReader = Thread { [fd = stderrPair[0]] in readAll(fd) }
    let output = readAll(stdoutPair[0])
    _ = writer.join()
    let errorOutput = errorReader.join()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return ProcessResult(status: exit, standardOutput: output, standardError: errorOutput)
}

/// Runs a program and returns its standard output; throws on a non-zero exit.
@discardableResult
package func run(_ program: String, _ arguments: [String]) async throws -> String {
    try checked(program, await execute(program, arguments))
}

/// `run` blocking the calling thread: only for what cannot be async.
@discardableResult
package func runBlocking(_ program: String, _ arguments: [String]) throws -> String {
    try checked(program, executeBlocking(program, arguments))
}

/// The output of `result`; throws unless `program` exited with 0.
private func checked(_ program: String, _ result: ProcessResult) throws -> String {
    guard result.status == 0 else {
        throw POSIXFailure(call: "\(program) exited with \(result.status): \(result.errorOutput)", errnoValue: 0)
    }
    return result.output
}

private func readAll(_ descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    close(descriptor)
    return bytes
}

/// A joinable thread running one closure.
package final class Thread<Value>: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Value
    private var result: Value?

    /// Starts `body` on a new thread.
    package init(_ body: @escaping () -> Value) {
        self.body = body
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
            (box as? any RunnableBox)?.run()
            return nil
        }, Unmanaged.passRetained(self as AnyObject).toOpaque())
        precondition(created == 0, "pthread_create failed")
    }

    /// Waits for the thread and returns what `body` returned.
    package func join() -> Value {
        pthread_join(thread, nil)
        guard let result else { fatalError("thread produced no result") }
        return result
    }
}

extension Thread: RunnableBox {
    func run() { result = body() }
}

/// The uid of `nobody`, which owns nothing of ours.
package let nobody: uid_t = 65_534

@_silgen_name("setfsuid")
private func setfsuid(_ uid: uid_t) -> Int32

/// Runs `body` with the file system permissions of `nobody` when the tests
/// run as root (as CI does), so that a read-only directory is read-only:
/// root's CAP_DAC_OVERRIDE would otherwise write anywhere. The file system
/// uid is per thread on Linux, so `body` runs on a thread of its own and
/// nothing else in the process is affected.
package func withFilesystemAccessOfNobody<Value>(_ body: @escaping () -> Value) -> Value {
    guard geteuid() == 0 else { return body() }
    return Thread {
        _ = setfsuid(nobody)
        defer { _ = setfsuid(0) }
        return body()
    }.join()
}

protocol RunnableBox: AnyObject { func run() }

/// Hands a directory (and what is in it) to `nobody`, so the thread of
/// `withFilesystemAccessOfNobody` acts as its owner.
package func giveToNobody(_ path: String) async throws {
    if geteuid() == 0 { try await run("/bin/chown", ["-R", "\(nobody)", path]) }
}

/// Starts `program` with `arguments`, its output discarded, and returns its
/// pid without waiting: for tests that kill children at random instants.
package func spawn(_ program: String, _ arguments: [String], standardInput: Int32? = nil) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let standardInput { posix_spawn_file_actions_adddup2(&actions, standardInput, 0) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = withCleanSignals { attributes in posix_spawn(&pid, program, &actions, attributes, argv, environ) }
    guard spawned == 0 else { throw POSIXFailure(call: "posix_spawn \(program)", errnoValue: spawned) }
    return pid
}

/// Waits for child `pid` on a thread of its own; returns its exit status,
/// or 128 + the signal.
package func waitFor(_ pid: pid_t) async throws -> Int32 {
    try await onThreadOfItsOwn { waitForBlocking(pid) }
}

/// `waitFor` blocking the calling thread: only for what cannot be async.
package func waitForBlocking(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
}

/// The package's root folder (this file is `Tests/TestSupport/Support.swift`).
package let packageRoot: String = String(#filePath.components(separatedBy: "/Tests/TestSupport/").first ?? "")

/// The directory the test binary was built in, where the package's other
/// products (libraries, executables) are too.
package var buildDirectory: String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let executable = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    return String(executable[..<(executable.lastIndex(of: "/") ?? executable.endIndex)])
}

/// The first `name` on `PATH` that exists, or nil.
package func findExecutable(_ name: String) -> String? {
    let path = getenv("PATH").map { String(cString: $0) } ?? ""
    return path.split(separator: ":").map { "\($0)/\(name)" }.first(where: fileExists)
}

/// The directory of the Swift toolchain in use (where `swift`, `swiftc` and
/// its `clang` are), following links; nil when there is no `swift`.
package var toolchainDirectory: String? {
    guard let swift = findExecutable("swift") ?? (fileExists("/opt/swift/usr/bin/swift") ? "/opt/swift/usr/bin/swift" : nil),
          let resolved = realpath(swift, nil) else { return nil }
    defer { free(resolved) }
    let text = String(cString: resolved)
    return String(text[..<(text.lastIndex(of: "/") ?? text.endIndex)])
}
