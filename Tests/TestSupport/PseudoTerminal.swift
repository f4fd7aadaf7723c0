import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

// Glibc's Swift module leaves these out (they need _XOPEN_SOURCE); they are
// plain, non-variadic libc functions.
@_silgen_name("posix_openpt") private func posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantpt(_ descriptor: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockpt(_ descriptor: Int32) -> Int32
@_silgen_name("ptsname") private func ptsname(_ descriptor: Int32) -> UnsafeMutablePointer<CChar>?

/// A program running on a pseudo-terminal, as a person at a terminal runs
/// it: what it writes is read back, what is typed is sent.
package final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    private var received: [UInt8] = []

    /// Starts `program` with `arguments` and `environment` on a new
    /// pseudo-terminal `columns` wide.
    package init(_ program: String, _ arguments: [String], environment: [String: String], columns: UInt16 = 80) throws {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw POSIXFailure(call: "posix_openpt")
        }
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else { throw POSIXFailure(call: "ioctl TIOCSWINSZ") }
        let slavePath = String(cString: name)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = withCleanSignals { attributes in posix_spawn(&child, program, &actions, attributes, argv, envp) }
        guard spawned == 0 else { throw POSIXFailure(call: "posix_spawn \(program)", errnoValue: spawned) }
        pid = child
    }

    deinit {
        kill(pid, SIGKILL)
        // A deinit cannot wait asynchronously; the child was just killed.
        _ = waitForBlocking(pid)
        close(master)
    }

    /// Types `text`.
    package func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Whether the terminal echoes what is typed now (its `ECHO` mode, read
    /// through the master side, which answers for the pair; still readable
    /// after the program ended).
    package var echoes: Bool {
        var attributes = termios()
        guard tcgetattr(master, &attributes) == 0 else { return false }
        return attributes.c_lflag & tcflag_t(ECHO) != 0
    }

    /// Everything the program wrote so far.
    package var output: String { String(decoding: received, as: UTF8.self) }

    /// Reads until the output holds `text` (true), or `timeout` seconds pass
    /// or the program ends (false). Each wait for output is on a thread of
    /// its own, off the cooperative pool. The timeout only guards a hang:
    /// what a test waits for comes well within a second, and a machine
    /// loaded many times over was seen to take more than 20.
    @discardableResult
    package func waitFor(_ text: String, timeout: Double = 120) async throws -> Bool {
        try await waitUntil(timeout: timeout) { $0.contains(text) }
    }

    /// Reads until `isDone` holds for all the output so far (true), or
    /// `timeout` seconds pass or the program ends (false).
    @discardableResult
    package func waitUntil(timeout: Double = 120, _ isDone: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while !isDone(output) {
            guard ContinuousClock.now < deadline else { return false }
            guard let bytes = try await Self.read(master, until: deadline) else { return isDone(output) }
            received.append(contentsOf: bytes)
        }
        return true
    }

    /// Stops the program (SIGSTOP) and returns once it is stopped: what is
    /// sent to it meanwhile waits, until `resume`.
    package func pause() async throws {
        kill(pid, SIGSTOP)
        let pid = pid
        try await onThreadOfItsOwn {
            var status: Int32 = 0
            while waitpid(pid, &status, WUNTRACED) < 0 && errno == EINTR {}
        }
    }

    /// Sends the program `signal` (as `kill` does).
    package func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Lets a paused program go on (SIGCONT).
    package func resume() {
        kill(pid, SIGCONT)
    }

    /// What arrives on `descriptor` before `deadline` (empty when nothing
    /// did), or nil when the program closed its end.
    private static func read(_ descriptor: Int32, until deadline: ContinuousClock.Instant) async throws -> [UInt8]? {
        try await onThreadOfItsOwn {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return [] }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, max(1, milliseconds)) > 0 else { return [] }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            return count <= 0 ? nil : Array(buffer[0..<count])
        }
    }

    /// Waits for the program to end; returns its exit status.
    package func wait() async throws -> Int32 {
        try await TestSupport.waitFor(pid)
    }
}
