#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The benchmark suite: `swift run -c release accountcore-benchmarks` from
// the package root. Each figure is measured against a reference in the
// same run and reported as a ratio; nothing is asserted about absolute
// times, since the machines are shared and noisy.

/// A line of progress on standard error, so the table on standard output
/// stays clean when it is piped.
func progress(_ text: String) {
    // write(2) rather than fputs(stderr): Swift 6 refuses the C global `stderr`.
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Runs every benchmark in the order and returns the report. The
/// scratch directory lives only as long as this call, so its stores are
/// removed whether the run ends well or not.
///
/// On the main actor, so that the synchronous parts that make C calls
/// (benchmarks 4 and 6) run on the main actor's thread, as an app's calls
/// come from a thread of its own, not on one of Swift's cooperative pool,
/// whose few threads a waiting `ac_call` might need. (On Linux that thread
/// is the one dispatch drains the main queue on, not the process's first.)
@MainActor
func measure(_ options: Options, products: BuildProducts) async throws -> Report {
    let scratch = try ScratchDirectory()
    let machine = MachineDescription.current(scratch: scratch)
    progress(machine.markdownLines.joined(separator: "\n"))
    var sections: [Section] = []

    if options.runs(1) {
        progress("\n1/7 durable enqueue: \(Format.count(options.enqueueOperations)) transactions per side...")
        sections.append(try EnqueueBenchmark(operations: options.enqueueOperations, chunks: options.enqueueTurns,
                                             batchRuns: options.batchRuns, scratch: scratch).run())
    }
    if options.runs(2) {
        progress("2/7 open and status: a store of \(Format.count(options.openStatusOperations)) queued operations, "
                 + "\(options.openStatusRuns) opens per side...")
        sections.append(try await OpenStatusBenchmark(operations: options.openStatusOperations, runs: options.openStatusRuns,
                                                      scratch: scratch).run())
    }
    if options.runs(3) {
        progress("3/7 drain: \(Format.count(options.drainOperations)) operations, \(options.drainRuns) pairs of drains...")
        sections.append(try await DrainBenchmark(operations: options.drainOperations, runs: options.drainRuns,
                                                 scratch: scratch).run())
    }
    if options.runs(4) {
        progress("4/7 C interface: \(Format.count(options.cCalls)) calls, \(options.cRounds) rounds per side...")
        let benchmark = CInterfaceBenchmark(calls: options.cCalls, rounds: options.cRounds, scratch: scratch)
        let store = try await benchmark.prepare()
        sections.append(try benchmark.run(path: store.path, account: store.account))
    }
    if options.runs(5) {
        progress("5/7 footprint: sizes, ldd closures, peak memory (\(options.memoryRuns) runs each)...")
        sections.append(try FootprintBenchmark(buildDirectory: products.buildDirectory, packageRoot: products.packageRoot,
                                               memoryRuns: options.memoryRuns, scratch: scratch).run())
    }
    if options.runs(6) {
        progress("6/7 growth: the status with \(options.statusSizes.map(Format.count).joined(separator: ", ")) queued, "
                 + "drains of \(options.growthDrains.map { Format.count($0.operations) }.joined(separator: ", "))...")
        let benchmark = GrowthBenchmark(statusSizes: options.statusSizes, statusRounds: options.statusRounds,
                                        roundSeconds: options.statusRoundSeconds, mostCalls: options.statusMostCalls,
                                        drains: options.growthDrains, scratch: scratch)
        let status = try benchmark.measureStatus(try await benchmark.prepareStatus())
        sections.append(benchmark.section(status: status, drained: try await benchmark.measureDrains()))
    }
    if options.runs(7) {
        if let reason = InstructionsBenchmark.missingTool() {
            // Said, and written into the report: a figure left out is never silent.
            progress("7/7 instructions: SKIPPED: " + reason)
            sections.append(InstructionsBenchmark.skipped(reason))
        } else {
            progress("7/7 instructions (callgrind): open and status, one delivery, \(options.instructionRuns) runs each...")
            sections.append(try await InstructionsBenchmark(packageRoot: products.packageRoot, runs: options.instructionRuns,
                                                            scratch: scratch).run())
        }
    }

    return Report(machine: machine, sections: sections, quick: options.quick, partial: options.only != nil)
}

/// The kept baselines: every `.md` file in `directory`, by name.
func baselines(in directory: String) throws -> [String] {
    guard let folder = opendir(directory) else { return [] }
    var names: [String] = []
    while let entry = readdir(folder) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name.hasSuffix(".md") { names.append(name) }
    }
    closedir(folder)
    return try names.sorted().map { String(decoding: try Files.contents(of: directory + "/" + $0), as: UTF8.self) }
}

/// Writes the report to `path` and its charts to `chartDirectory`, which
/// the report names as `chartLink` (relative to the report), with the
/// baselines kept in `baselineDirectory` after it.
func write(_ report: Report, to path: String, chartDirectory: String, chartLink: String,
           baselineDirectory: String) throws {
    if !report.charts.isEmpty { try Files.makeDirectory(chartDirectory) }
    for chart in report.charts {
        let file = chartDirectory + "/" + chart.fileName
        try Files.save(chart.svg, to: file)
        chmod(file, 0o644)
        progress("wrote \(file)")
    }
    try Files.save(report.markdown(chartDirectory: chartLink, baselines: try baselines(in: baselineDirectory)), to: path)
    chmod(path, 0o644)
    progress("wrote \(path)")
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if options.help {
        print(Options.usage)
        exit(0)
    }
    let products = try BuildProducts.locate()
    let missing = products.missing()
    guard missing.isEmpty else {
        // Said before minutes of measuring, not after.
        progress("accountcore-benchmarks cannot run:\n" + missing.map { "  - " + $0 }.joined(separator: "\n"))
        exit(2)
    }
    if !MachineDescription.isOptimized {
        progress("warning: this is a debug build; run `swift run -c release accountcore-benchmarks` for real figures")
    }
    let report = try await measure(options, products: products)
    print([report.hasResults ? report.table : "", report.ownTables].filter { !$0.isEmpty }.joined(separator: "\n\n"))
    print("Ratio: above 1 means ours is better (reference time, size or memory ÷ ours; our rate ÷ the reference's).")
    progress("")
    if let title = options.saveBaseline {
        let directory = products.packageRoot + "/Benchmarks/baselines"
        try Files.makeDirectory(directory)
        let name = String(title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }) + ".md"
        // The commit measured, and the last one that changed what is measured.
        func commit(_ paths: [String]) -> String {
            let scratch = try? ScratchDirectory()
            return scratch.flatMap {
                try? Subprocess.output("git", ["-C", products.packageRoot, "log", "-1", "--format=%h (%cs)", "--"] + paths,
                                       scratch: $0)
            }?.filter { $0 != "\n" } ?? "unknown"
        }
        let revision = commit([]) + ", its sources (Sources/, Package.swift) as of " + commit(["Sources", "Package.swift"])
        try Files.save(report.baselineMarkdown(title: title, revision: revision), to: directory + "/" + name)
        chmod(directory + "/" + name, 0o644)
        progress("wrote \(directory)/\(name)")
    }
    if let output = options.output {
        // The charts beside the report, wherever it goes.
        try write(report, to: output, chartDirectory: Files.directory(of: output), chartLink: "",
                  baselineDirectory: products.packageRoot + "/Benchmarks/baselines")
    } else if options.isComplete {
        try write(report, to: products.packageRoot + "/BENCHMARKS.md",
                  chartDirectory: products.packageRoot + "/Benchmarks/charts", chartLink: "Benchmarks/charts",
                  baselineDirectory: products.packageRoot + "/Benchmarks/baselines")
    } else {
        progress("quick or partial run: BENCHMARKS.md left as it was")
    }
} catch {
    progress("accountcore-benchmarks: \(error)")
    exit(1)
}
