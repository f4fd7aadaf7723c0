#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one process executed, counted by `valgrind --tool=callgrind`:
/// instructions (Ir), in total and by the object (executable or shared
/// library) they ran in. A count, not a time: the same however loaded the
/// machine is.
struct InstructionProfile {
    /// Every instruction the process executed, from the dynamic loader's
    /// first to exit, in every thread.
    var total: UInt64
    /// Instructions executed in each object's own code (self cost), by the
    /// object's path; they add up to `total`.
    var byObject: [String: UInt64]

    /// The instructions of the objects `include` picks.
    func sum(_ include: (String) -> Bool) -> UInt64 {
        byObject.reduce(0) { include($1.key) ? $0 + $1.value : $0 }
    }
}

/// Runs programs under callgrind and reads its output.
enum Callgrind {
    /// Runs `program` under `valgrind --tool=callgrind` and returns what it
    /// executed; a non-zero exit of the program is an error quoting what it
    /// said.
    ///
    /// `--dump-instr=no` keeps the output to lines, and names and positions
    /// are written out in full (`--compress-strings=no`, `--compress-pos=no`)
    /// so the file reads without a table of abbreviations.
    static func profile(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                        scratch: ScratchDirectory) throws -> InstructionProfile {
        let output = scratch.uniquePath("callgrind") + ".out"
        let result = try Subprocess.run("valgrind", ["--tool=callgrind", "--callgrind-out-file=" + output, "--dump-instr=no",
                                                     "--compress-strings=no", "--compress-pos=no", program] + arguments,
                                        environment: environment, scratch: scratch)
        guard result.status == 0 else {
            throw BenchmarkError("callgrind: \(program) \(arguments.joined(separator: " ")) exited \(result.status): "
                                 + result.errorText.suffix(2_000))
        }
        let profile = try parse(try Files.contents(of: output))
        unlink(output)
        return profile
    }

    /// Reads a callgrind output file (format version 1, one event: Ir).
    ///
    /// A cost line (it starts with a digit, the position, then the cost)
    /// is the self cost of the current function in the object named by
    /// the last `ob=`; the cost line after a `calls=` line is the inclusive
    /// cost of that call, already counted in the callee, so it is skipped.
    static func parse(_ bytes: [UInt8]) throws -> InstructionProfile {
        var byObject: [String: UInt64] = [:]
        var object = "???"
        var total: UInt64?
        var skipNext = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let first = line.first else { continue }
            if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                if skipNext {
                    skipNext = false
                    continue
                }
                let fields = line.split(separator: UInt8(ascii: " "))
                guard fields.count >= 2, let cost = UInt64(String(decoding: fields[1], as: UTF8.self)) else { continue }
                byObject[object, default: 0] += cost
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("ob=") {
                object = String(text.dropFirst(3))
            } else if text.hasPrefix("calls=") {
                skipNext = true
            } else if text.hasPrefix("totals:") || text.hasPrefix("summary:") {
                total = UInt64(text.split(separator: " ").last.map(String.init) ?? "")
            }
        }
        let counted = byObject.values.reduce(0, +)
        guard let total, total == counted else {
            throw BenchmarkError("callgrind: the objects' costs add up to \(counted), the file's total is "
                                 + "\(total.map(String.init) ?? "missing")")
        }
        return InstructionProfile(total: total, byObject: byObject)
    }

    /// Whether valgrind is on PATH; the instruction figures need it.
    static var isAvailable: Bool { FileSystem.which("valgrind") != nil }
}
