#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a child process did: how it ended, what it printed, how long it
/// took and the most memory it held.
struct ProcessResult {
    /// The exit status, or 128 + the signal that ended it.
    var status: Int32
    /// Standard output.
    var output: [UInt8]
    /// Standard error.
    var errorOutput: [UInt8]
    /// From `posix_spawn` to `wait4`'s return, in seconds.
    var seconds: Double
    /// Peak resident set size (`ru_maxrss`), in KiB.
    var maxResidentKiB: Int

    /// Standard output as text.
    var text: String { String(decoding: output, as: UTF8.self) }
    /// Standard error as text.
    var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
}

/// A tool the benchmark runs failed to start or to finish well.
struct SubprocessError: Error, CustomStringConvertible {
    let description: String
}

/// Runs tools (`curl`, `ldd`, `strip`, `swiftc`, `nproc`, `acct`) with
/// `posix_spawnp`, and collects their resource usage with `wait4`: the
/// rusage of that one child, not of every child the benchmark ever had.
enum Subprocess {
    /// Runs `program` with `arguments` and waits for it.
    ///
    /// Output goes to files in `scratch` rather than pipes: no reader thread
    /// is needed, and a chatty child never blocks on a full pipe while it is
    /// being timed. Standard input is `/dev/null`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits ours.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                    scratch: ScratchDirectory) throws -> ProcessResult {
        let outputPath = scratch.uniquePath("stdout")
        let errorPath = scratch.uniquePath("stderr")
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = environment.map { variables in
            variables.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { environmentStrings?.forEach { free($0) } }

        var pid: pid_t = 0
        let began = Stopwatch.now()
        let spawned = environmentStrings.map { posix_spawnp(&pid, program, &actions, nil, argv, $0) }
            ?? posix_spawnp(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw SubprocessError(description: "cannot start \(program): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                throw SubprocessError(description: "wait4 \(program): \(String(cString: strerror(errno)))")
            }
        }
        let seconds = Stopwatch.now() - began
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ProcessResult(status: exit, output: try Files.contents(of: outputPath), errorOutput: try Files.contents(of: errorPath),
                             seconds: seconds, maxResidentKiB: Int(usage.ru_maxrss))
    }

    /// Runs `program` and returns its output; a non-zero exit is an error
    /// that quotes what it said.
    static func output(_ program: String, _ arguments: [String], scratch: ScratchDirectory) throws -> String {
        let result = try run(program, arguments, scratch: scratch)
        guard result.status == 0 else {
            throw SubprocessError(description: "\(program) \(arguments.joined(separator: " ")) exited \(result.status): "
                                  + result.errorText.prefix(2_000))
        }
        return result.text
    }
}
