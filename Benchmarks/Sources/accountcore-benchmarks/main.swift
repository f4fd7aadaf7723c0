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
func measure(_ options: Options, products: BuildProducts) async throws -> Report {
    let scratch = try ScratchDirectory()
    let machine = MachineDescription.current(scratch: scratch)
    progress(machine.markdownLines.joined(separator: "\n"))
    var sections: [Section] = []

    if options.runs(1) {
        progress("\n1/5 durable enqueue: \(Format.count(options.enqueueOperations)) transactions per side...")
        sections.append(try EnqueueBenchmark(operations: options.enqueueOperations, chunks: options.enqueueTurns,
                                             batchRuns: options.batchRuns, scratch: scratch).run())
    }
    if options.runs(2) {
        progress("2/5 cold open: a store of \(Format.count(options.coldOpenOperations)) operations, "
                 + "\(options.coldOpenRuns) opens per side...")
        sections.append(try await ColdOpenBenchmark(operations: options.coldOpenOperations, runs: options.coldOpenRuns,
                                                    scratch: scratch).run())
    }
    if options.runs(3) {
        progress("3/5 drain: \(Format.count(options.drainOperations)) operations, \(options.drainRuns) drains per side...")
        sections.append(try await DrainBenchmark(operations: options.drainOperations, runs: options.drainRuns,
                                                 scratch: scratch).run())
    }
    if options.runs(4) {
        progress("4/5 C interface: \(Format.count(options.cCalls)) calls, \(options.cRounds) rounds per side...")
        let cStore = scratch.file("c-interface.sqlite")
        try await CInterfaceBenchmark.seed(path: cStore)
        sections.append(try CInterfaceBenchmark(calls: options.cCalls, rounds: options.cRounds, scratch: scratch)
            .run(storePath: cStore))
    }
    if options.runs(5) {
        progress("5/5 footprint: sizes, ldd closures, peak memory (\(options.memoryRuns) runs each)...")
        sections.append(try FootprintBenchmark(buildDirectory: products.buildDirectory, packageRoot: products.packageRoot, memoryRuns: options.memoryRuns,
                                               scratch: scratch).run())
    }

    return Report(machine: machine, sections: sections, quick: options.quick, partial: options.only != nil)
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
    print(report.table)
    print("Ratio: above 1 means ours is better (reference time, size or memory ÷ ours; our rate ÷ the reference's).")
    if let path = options.output ?? (options.isComplete ? products.packageRoot + "/BENCHMARKS.md" : nil) {
        try Files.save(report.markdown, to: path)
        chmod(path, 0o644)
        progress("\nwrote \(path)")
    } else {
        progress("\nquick or partial run: BENCHMARKS.md left as it was")
    }
} catch {
    progress("accountcore-benchmarks: \(error)")
    exit(1)
}
