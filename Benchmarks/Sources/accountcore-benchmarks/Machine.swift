import AccountCore
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The machine a run was measured on, printed first: a ratio from a
/// two-core shared VM and one from a quiet workstation are read differently.
struct MachineDescription {
    /// Online cores, and where the number came from.
    var cores: String
    /// `model name` from /proc/cpuinfo.
    var cpuModel: String
    /// `uname -srm`.
    var kernel: String
    /// When the run started, UTC.
    var date: String
    /// The file system the stores were written to: durable figures are
    /// `fsync` figures, and tmpfs would make them meaningless.
    var scratchFileSystem: String
    /// Total memory, from /proc/meminfo.
    var memory: String
    /// The load averages when the run started (1, 5 and 15 minutes), from
    /// /proc/loadavg: on a shared machine the neighbours' work is in every
    /// timed figure (not in the instruction counts).
    var load: String

    /// Describes this machine; `scratch` is where the stores live.
    static func current(scratch: ScratchDirectory) -> MachineDescription {
        MachineDescription(cores: cores(scratch: scratch), cpuModel: cpuModel(), kernel: kernel(),
                           date: ISO8601.format(SystemClock().now(), milliseconds: false),
                           scratchFileSystem: fileSystem(of: scratch.path), memory: memory(), load: load())
    }

    /// The lines of the report's machine section.
    var markdownLines: [String] {
        ["Cores: " + cores, "CPU: " + cpuModel, "Kernel: " + kernel, "Memory: " + memory, "Instant: " + date,
         "Load average at the start (1, 5, 15 min): " + load,
         "Scratch files: " + scratchFileSystem,
         "Build: " + (Self.isOptimized ? "release (-c release)" : "DEBUG: figures are not representative")]
    }

    /// Whether this binary was built optimized; SwiftPM defines DEBUG in
    /// debug builds only.
    static var isOptimized: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }

    private static func cores(scratch: ScratchDirectory) -> String {
        if let text = try? Subprocess.output("nproc", [], scratch: scratch),
           let count = Int(text.filter { !$0.isWhitespace }) {
            return "\(count) (nproc)"
        }
        return "\(sysconf(Int32(_SC_NPROCESSORS_ONLN))) (sysconf)"
    }

    private static func cpuModel() -> String {
        guard let bytes = try? Files.contents(of: "/proc/cpuinfo") else { return "unknown (no /proc/cpuinfo)" }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            }
        }
        return "unknown (no model name in /proc/cpuinfo)"
    }

    private static func kernel() -> String {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return [field(names.sysname), field(names.release), field(names.machine)].joined(separator: " ")
    }

    private static func load() -> String {
        guard let bytes = try? Files.contents(of: "/proc/loadavg") else { return "unknown" }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").prefix(3).joined(separator: ", ")
    }

    private static func memory() -> String {
        guard let bytes = try? Files.contents(of: "/proc/meminfo") else { return "unknown" }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kib = Int64(line.split(separator: " ").dropFirst().first ?? "") else { return "unknown" }
        return Format.bytes(kib * 1_024)
    }

    /// The type of the file system holding `path`: the mount in
    /// /proc/self/mounts with the longest mount point that contains it.
    private static func fileSystem(of path: String) -> String {
        guard let bytes = try? Files.contents(of: "/proc/self/mounts") else { return path + " (file system unknown)" }
        var best: (point: String, type: String)?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1])
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count > (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        guard let best else { return path + " (file system unknown)" }
        let warning = best.type == "tmpfs" ? ": fsync costs nothing here, durable figures are CPU figures" : ""
        return path + " (" + best.type + " on " + best.point + warning + ")"
    }
}
