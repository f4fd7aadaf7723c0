import FoundationEssentials

/// 5. Footprint: what shipping the core costs on disk and in memory,
/// against a program built on full Foundation and FoundationNetworking
/// (the stack the core avoids: ICU's data alone is tens of megabytes).
struct FootprintBenchmark {
    /// Where the release products are: libAccountCoreC.so and acct.
    let buildDirectory: String
    /// The package's root, where `Sources/AccountCoreC/Shipping/build-library` is.
    let packageRoot: String
    /// Runs per program for peak memory (median taken).
    var memoryRuns: Int
    let scratch: ScratchDirectory

    /// One resolved library of an `ldd` listing.
    struct Library {
        var name: String
        var path: String
        var size: Int64
    }

    /// The Foundation program: the smallest that links both Foundation and
    /// FoundationNetworking and really uses URLSession, so neither can be
    /// left unloaded.
    private static let foundationProgram = """
        import Foundation
        import FoundationNetworking

        // Touches URLSession, so FoundationNetworking (and libcurl under it) is loaded and initialized.
        print(URLSession.shared.configuration.timeoutIntervalForRequest)

        """

    /// The FoundationEssentials reference: the parts of it the core used to
    /// need (the JSON coders, `Date`, `UUID`), in a shared library linked
    /// the way the shipped file is (static runtime, one exported function,
    /// `--gc-sections`, stripped). What the core would carry on top of its
    /// own code had it kept FoundationEssentials.
    private static let foundationEssentialsProbe = """
        import FoundationEssentials

        struct Probe: Codable { var at: Date; var id: UUID; var values: [String: Double] }

        @_cdecl("ac_probe")
        public func probe() -> Int {
            let value = Probe(at: Date(), id: UUID(), values: ["a": 1])
            guard let data = try? JSONEncoder().encode(value),
                  let back = try? JSONDecoder().decode(Probe.self, from: data) else { return 0 }
            return back.id == value.id ? data.count : 0
        }

        """

    /// The shipped single files (both variants, built by build-library) and
    /// the FoundationEssentials probe linked the same way, stripped.
    private func shippedFiles() throws -> (plain: Int64, staticSQLite: Int64, foundationEssentials: Int64) {
        let script = packageRoot + "/Sources/AccountCoreC/Shipping/build-library"
        var sizes: [Int64] = []
        for arguments in [[script], [script, "--static-sqlite"]] {
            let path = try Subprocess.output("bash", arguments, scratch: scratch)
                .split(separator: "\n").last.map(String.init) ?? ""
            guard let size = Files.size(packageRoot + "/" + path) else { throw BenchmarkError("footprint: build-library made no \(path)") }
            sizes.append(size)
        }
        let directory = try scratch.directory("foundation-essentials-probe")
        let source = directory + "/probe.swift", map = directory + "/exports.map", library = directory + "/libprobe.so"
        try Files.save(Self.foundationEssentialsProbe, to: source)
        try Files.save("{ global: ac_probe; local: *; };\n", to: map)
        let built = try Subprocess.run("swiftc", ["-O", "-emit-library", "-static-stdlib", source, "-o", library,
                                                  "-Xlinker", "--version-script=" + map, "-Xlinker", "--gc-sections"],
                                       scratch: scratch)
        guard built.status == 0 else { throw BenchmarkError("footprint: the probe did not build: " + built.errorText.prefix(2_000)) }
        _ = try Subprocess.output("strip", ["--strip-unneeded", library], scratch: scratch)
        guard let probe = Files.size(library) else { throw BenchmarkError("footprint: no probe library") }
        return (sizes[0], sizes[1], probe)
    }

    func run() throws -> Section {
        let shipped = try shippedFiles()
        let library = buildDirectory + "/libAccountCoreC.so"
        let acct = buildDirectory + "/acct"
        guard let unstripped = Files.size(library) else { throw BenchmarkError("footprint: \(library) is missing") }
        let strippedCopy = scratch.file("libAccountCoreC.so")
        try Files.copy(library, to: strippedCopy)
        _ = try Subprocess.output("strip", [strippedCopy], scratch: scratch)
        guard let stripped = Files.size(strippedCopy) else { throw BenchmarkError("footprint: strip lost the copy") }

        let program = try buildFoundationProgram()
        let ours = try closure(of: library)
        let theirs = try closure(of: program)
        let oursTotal = ours.reduce(0) { $0 + $1.size }
        let theirsTotal = theirs.reduce(0) { $0 + $1.size }

        let memory = try peakMemory(acct: acct, program: program)
        let oursMemory = Samples.median(memory.acct.map(Double.init))
        let theirsMemory = Samples.median(memory.program.map(Double.init))

        let ourNames = Set(ours.map(\.name))
        let onlyTheirs = theirs.filter { !ourNames.contains($0.name) }.sorted { $0.size > $1.size }
        let onlyOurs = ours.filter { name in !theirs.contains { $0.name == name.name } }
        return Section(
            title: "5. Footprint",
            reference: "a program that imports Foundation and FoundationNetworking and prints "
                + "`URLSession.shared.configuration.timeoutIntervalForRequest`, compiled here with `swiftc -O`.",
            method: "sizes from `stat` (symbolic links followed); the closure is every library `ldd` resolves "
                + "(the dynamic loader included, the vdso and the library itself excluded). Memory: `ru_maxrss` "
                + "from `wait4`, median of \(memoryRuns) runs per program, alternating, after one unmeasured run "
                + "each; ours is `acct status --offline` (release build) with a temporary HOME and XDG_DATA_HOME. "
                + "Each program is started by a small probe (compiled here) that waits for it, because a child "
                + "spawned straight from the benchmark would inherit the benchmark's own peak in `ru_maxrss`.",
            rows: [
                Comparison(figure: "the shipped file (Swift runtime inside), stripped; at most 8 MiB",
                           ours: Format.bytes(shipped.plain) + (shipped.plain <= 8 << 20 ? "" : " (over 8 MiB)"),
                           reference: Format.bytes(shipped.foundationEssentials)
                               + ": FoundationEssentials' JSON coders, Date and UUID alone, linked the same way",
                           ratio: Double(shipped.foundationEssentials) / Double(shipped.plain),
                           goal: nil),
                Comparison(figure: "the shipped file with SQLite linked in (Android), stripped",
                           ours: Format.bytes(shipped.staticSQLite), reference: "n/a", ratio: nil, goal: nil),
                Comparison(figure: "libAccountCoreC.so of the release build (runtime outside), stripped",
                           ours: Format.bytes(stripped), reference: "n/a (no counterpart)", ratio: nil, goal: nil),
                Comparison(figure: "dependency closure (ldd)",
                           ours: Format.bytes(oursTotal) + " in \(ours.count) libraries",
                           reference: Format.bytes(theirsTotal) + " in \(theirs.count) libraries",
                           ratio: Double(theirsTotal) / Double(oursTotal), goal: nil),
                Comparison(figure: "peak resident memory", ours: Format.bytes(Int64(oursMemory * 1_024)),
                           reference: Format.bytes(Int64(theirsMemory * 1_024)),
                           ratio: theirsMemory / oursMemory, goal: nil),
            ],
            notes: [
                "libAccountCoreC.so is \(Format.bytes(unstripped)) as built (\(Format.count(Int(unstripped))) bytes) "
                    + "and \(Format.bytes(stripped)) (\(Format.count(Int(stripped))) bytes) stripped. It carries "
                    + "the core, the session and the three plugins; everything else it needs is in the closure.",
                "Only in the Foundation program's closure: " + onlyTheirs.prefix(8).map { "`\($0.name)` "
                    + Format.bytes($0.size) }.joined(separator: ", ") + (onlyTheirs.count > 8 ? ", ..." : "") + ".",
                "Only in ours: " + (onlyOurs.isEmpty ? "nothing" : onlyOurs.map { "`\($0.name)` " + Format.bytes($0.size) }
                    .joined(separator: ", ")) + ".",
                "Peak memory: ours from \(Format.bytes(Int64(memory.acct.min() ?? 0) * 1_024)) to "
                    + "\(Format.bytes(Int64(memory.acct.max() ?? 0) * 1_024)); the Foundation program from "
                    + "\(Format.bytes(Int64(memory.program.min() ?? 0) * 1_024)) to "
                    + "\(Format.bytes(Int64(memory.program.max() ?? 0) * 1_024)). `acct status --offline` opens "
                    + "the store (made by the untimed first run) and answers from it, so its figure includes SQLite and the "
                    + "whole session, against a program that does nothing but load its libraries. Measurement floor (the "
                    + "probe running `true`): \(Format.bytes(Int64(memory.floor) * 1_024)).",
            ])
    }

    /// Writes and compiles the Foundation program; returns its path.
    private func buildFoundationProgram() throws -> String {
        let directory = try scratch.directory("foundation-program")
        let source = directory + "/main.swift"
        let binary = directory + "/foundation-program"
        try Files.save(Self.foundationProgram, to: source)
        let result = try Subprocess.run("swiftc", ["-O", source, "-o", binary], scratch: scratch)
        guard result.status == 0, Files.exists(binary) else {
            throw BenchmarkError("footprint: swiftc could not build the Foundation program (exit \(result.status)): "
                                 + result.errorText.prefix(2_000))
        }
        return binary
    }

    /// The libraries `ldd` resolves for `path`, each once.
    func closure(of path: String) throws -> [Library] {
        let listing = try Subprocess.output("ldd", [path], scratch: scratch)
        var seen: Set<String> = []
        var libraries: [Library] = []
        for rawLine in listing.split(separator: "\n") {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            let name: String
            let resolved: String
            if let arrow = line.firstRange(of: " => ") {
                name = String(line[..<arrow.lowerBound])
                let target = line[arrow.upperBound...]
                guard !target.hasPrefix("not found") else {
                    throw BenchmarkError("footprint: ldd \(path): \(name) not found")
                }
                resolved = String(target.prefix { $0 != " " })
            } else if line.hasPrefix("/") {
                // The dynamic loader: listed by its path alone.
                resolved = String(line.prefix { $0 != " " })
                name = String(resolved.split(separator: "/").last ?? "")
            } else {
                // The vdso (no file) or a line that names no library.
                continue
            }
            guard !resolved.isEmpty, resolved != path, !seen.contains(resolved) else { continue }
            seen.insert(resolved)
            guard let size = Files.size(resolved) else { throw BenchmarkError("footprint: cannot stat \(resolved)") }
            libraries.append(Library(name: name, path: resolved, size: size))
        }
        return libraries
    }

    /// The memory probe: spawns a program, waits for it with `wait4` and
    /// writes the child's `ru_maxrss` (KiB) and exit status to a file.
    ///
    /// Linux folds the old address space's peak into `ru_maxrss` at
    /// `execve`, and a child made by `posix_spawn` (or `fork`) starts from
    /// its parent's address space: a program spawned straight from this
    /// benchmark would report at least the benchmark's own peak (tens of
    /// megabytes after the drains). Spawned from this small probe instead,
    /// the floor is the probe's own resident memory, which the report states.
    private static let memoryProbe = """
        #if canImport(Glibc)
        import Glibc
        #endif

        // rss-probe REPORT PROGRAM [ARGUMENTS...]: runs PROGRAM, then writes "maxrss_kib status" to REPORT.
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else { exit(64) }
        let argv = arguments.dropFirst(2).map { strdup($0) } + [nil]
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[2], nil, nil, argv, environ) == 0 else { exit(65) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let report = "\\(usage.ru_maxrss) \\(code)\\n"
        guard let file = fopen(arguments[1], "w") else { exit(66) }
        fputs(report, file)
        fclose(file)

        """

    /// One measured run: the child's peak resident memory in KiB.
    private struct ProbeRun {
        let probe: String
        let scratch: ScratchDirectory

        func maxResidentKiB(_ program: String, _ arguments: [String] = [],
                            environment: [String: String]? = nil) throws -> Int {
            let report = scratch.uniquePath("rss") + ".txt"
            let result = try Subprocess.run(probe, [report, program] + arguments, environment: environment,
                                            scratch: scratch)
            let fields = String(decoding: (try? Files.contents(of: report)) ?? [], as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard result.status == 0, fields.count == 2, let kib = Int(fields[0]), fields[1] == "0" else {
                throw BenchmarkError("footprint: \(program) \(arguments.joined(separator: " ")) failed "
                                     + "(probe exit \(result.status), report \(fields)): \(result.errorText.prefix(2_000))")
            }
            return kib
        }
    }

    /// Peak memory of `memoryRuns` runs of each program, alternating, in
    /// KiB, and the probe's floor.
    private func peakMemory(acct: String, program: String) throws -> (acct: [Int], program: [Int], floor: Int) {
        let directory = try scratch.directory("rss-probe")
        try Files.save(Self.memoryProbe, to: directory + "/main.swift")
        // Static, so the probe maps no Swift runtime of its own: its floor is
        // then a few MiB instead of about eight. A toolchain without the
        // static libraries gets a dynamic probe and a higher, stated floor.
        var build = try Subprocess.run("swiftc", ["-O", "-static-executable", directory + "/main.swift",
                                                  "-o", directory + "/rss-probe"], scratch: scratch)
        if build.status != 0 {
            build = try Subprocess.run("swiftc", ["-O", directory + "/main.swift", "-o", directory + "/rss-probe"],
                                       scratch: scratch)
        }
        guard build.status == 0 else {
            throw BenchmarkError("footprint: swiftc could not build the memory probe: \(build.errorText.prefix(2_000))")
        }
        let probe = ProbeRun(probe: directory + "/rss-probe", scratch: scratch)

        let home = try scratch.directory("acct-home")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ACCT_") }
        environment["HOME"] = home
        environment["XDG_DATA_HOME"] = home + "/data"
        func runAcct() throws -> Int { try probe.maxResidentKiB(acct, ["status", "--offline"], environment: environment) }
        func runProgram() throws -> Int { try probe.maxResidentKiB(program) }

        // The floor: a program that does nothing, through the same probe.
        let floor = try probe.maxResidentKiB(FileSystem.which("true") ?? "/bin/true")
        _ = try runAcct()
        _ = try runProgram()
        var acctSamples: [Int] = []
        var programSamples: [Int] = []
        for round in 0..<memoryRuns {
            if round % 2 == 0 {
                acctSamples.append(try runAcct())
                programSamples.append(try runProgram())
            } else {
                programSamples.append(try runProgram())
                acctSamples.append(try runAcct())
            }
        }
        return (acctSamples, programSamples, floor)
    }
}
