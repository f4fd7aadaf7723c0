import AccountCore

/// 6. Growth: how the cost of the status and of a drain grows with the
/// length of the queue, each against a reference whose cost does not.
///
/// The status is measured on stores of the user with 10, 1 000 and 100 000
/// queued operations (`StatusStore`), per call, through `localStatus()` on
/// an open engine and through `ac_call("status")`, beside the raw point read
/// of the cached deletion on the same file; drains of 200, 2 000 and
/// 20 000 operations against curl, as in benchmark 3. Both are drawn as SVG
/// charts.
struct GrowthBenchmark {
    /// Queue lengths for the status.
    var statusSizes: [Int]
    /// Rounds per queue length (median taken).
    var statusRounds: Int
    /// About how long one side's round of calls lasts, in seconds.
    var roundSeconds: Double
    /// The most calls in one round.
    var mostCalls: Int
    /// Drain lengths, each with its number of pairs of drains.
    var drains: [(operations: Int, runs: Int)]
    let scratch: ScratchDirectory

    /// A status store made by `prepareStatus`.
    struct StatusFile {
        var queued: Int
        var path: String
        var account: AccountID
    }

    /// The status figures of one queue length: seconds per call, one
    /// sample per round.
    struct StatusPoint {
        var queued: Int
        var engine: [Double]
        var cInterface: [Double]
        var pointRead: [Double]
    }

    /// Makes a status store of each queue length.
    func prepareStatus() async throws -> [StatusFile] {
        var files: [StatusFile] = []
        for size in statusSizes {
            let path = scratch.file("growth-status-\(size).sqlite")
            files.append(StatusFile(queued: size, path: path, account: try await StatusStore.make(path: path, queued: size)))
        }
        return files
    }

    /// Measures the status on each store. Synchronous, and called on the
    /// main actor (see `CCore`).
    func measureStatus(_ files: [StatusFile]) throws -> [StatusPoint] {
        try files.map { file in
            let engine = try StatusStore.offlineEngine(path: file.path)
            let first = try engine.localStatus()
            guard StatusStore.shows(first, queued: file.queued) else {
                throw BenchmarkError("growth: with \(file.queued) queued, localStatus() shows \(first.deletion.state) and "
                                     + "\(first.queued.count) queued, not the pending deletion and the queued cancel")
            }
            let listed = first.queued.count
            let core = try CCore(storePath: file.path)
            try core.checkStatus(queued: file.queued)
            let read = try PointRead(path: file.path, account: file.account.rawValue, entry: "deletion")

            func engineRound(_ calls: Int) throws -> Double {
                var sink = Sink()
                let seconds = try Stopwatch.time {
                    for _ in 0..<calls { sink.consume(try engine.localStatus().queued.count) }
                }.seconds
                guard sink.total == UInt64(listed) * UInt64(calls) else {
                    throw BenchmarkError("growth: localStatus() changed its answer during the rounds")
                }
                return seconds
            }
            let engineCalls = try Rounds.calls(filling: roundSeconds, most: mostCalls, engineRound)
            let cCalls = try Rounds.calls(filling: roundSeconds, most: mostCalls) { try core.round("status", calls: $0) }
            let readCalls = try Rounds.calls(filling: roundSeconds, most: mostCalls) { try read.round($0) }
            let samples = try Rounds.interleaved(statusRounds, [
                { try engineRound(engineCalls) / Double(engineCalls) },
                { try core.round("status", calls: cCalls) / Double(cCalls) },
                { try read.round(readCalls) / Double(readCalls) },
            ])
            return StatusPoint(queued: file.queued, engine: samples[0], cInterface: samples[1], pointRead: samples[2])
        }
    }

    /// Drains of each length, ours and curl's.
    func measureDrains() async throws -> [DrainBenchmark.Pairs] {
        let drain = DrainBenchmark(operations: 0, runs: 0, scratch: scratch)
        var pairs: [DrainBenchmark.Pairs] = []
        for size in drains {
            progress("   drains of \(Format.count(size.operations)), ours and curl's, \(size.runs) times...")
            pairs.append(try await drain.measure(size.operations, runs: size.runs))
        }
        return pairs
    }

    /// The section: both tables' rows, the two charts, and what grew.
    func section(status: [StatusPoint], drained: [DrainBenchmark.Pairs]) -> Section {
        var rows: [Comparison] = []
        for point in status {
            let queued = Format.count(point.queued)
            rows.append(.rounds("status, \(queued) queued: `localStatus()` per call", ours: point.engine,
                                reference: point.pointRead))
            rows.append(.rounds("status, \(queued) queued: `ac_call(\"status\")` per call", ours: point.cInterface,
                                reference: point.pointRead))
        }
        for pairs in drained {
            rows.append(pairs.comparison("drain of \(Format.count(pairs.operations))"))
        }

        var notes: [String] = []
        if let first = status.first, let last = status.last, status.count > 1 {
            func change(_ name: String, _ series: (StatusPoint) -> [Double]) -> String {
                let from = Samples.median(series(first)), to = Samples.median(series(last))
                return "\(name) \(Format.duration(from)) → \(Format.duration(to)) (\(Format.significant(to / from))×)"
            }
            notes.append("Median time per call, from \(Format.count(first.queued)) to \(Format.count(last.queued)) "
                         + "queued operations: " + [change("`localStatus()`", \.engine),
                                                   change("`ac_call(\"status\")`", \.cInterface),
                                                   change("the point read", \.pointRead)].joined(separator: "; ") + ".")
        }
        if let first = drained.first, let last = drained.last, drained.count > 1 {
            func change(_ name: String, _ series: (DrainBenchmark.Pairs) -> [Double]) -> String {
                let from = Double(first.operations) / Samples.median(series(first))
                let to = Double(last.operations) / Samples.median(series(last))
                return "\(name) \(Format.rate(from, unit: "ops")) → \(Format.rate(to, unit: "ops")) "
                    + "(\(Format.significant(to / from))×)"
            }
            notes.append("Median rate, from drains of \(Format.count(first.operations)) to drains of "
                         + "\(Format.count(last.operations)) operations: " + change("ours", \.ours) + "; "
                         + change("curl", \.curl) + ".")
        }

        return Section(
            title: "6. Growth",
            reference: "for the status, the raw SQLite point read of benchmark 4 on the same store file (its cost "
                + "does not depend on the queue); for the drains, curl as in benchmark 3.",
            method: "status: one store per queue length (\(status.map { Format.count($0.queued) }.joined(separator: ", ")) "
                + "queued operations of the signed-in demo user, written by one `enqueue(contentsOf:)`: requests and "
                + "renames in turn, and one cancel with its deadline at a tenth of the queue, over a profile and a "
                + "pending deletion cached from an emulator). On each, an engine (`AccountStore`, `AccountClient`, "
                + "`SyncEngine` offline) and a C core (`ac_open`, `ac_set_online(core, 0)`) are opened once, untimed, "
                + "and checked to show the pending deletion and the queued cancel; then \(statusRounds) rounds of "
                + "`localStatus()`, `ac_call(core, \"status\", NULL, &out)` and the point read, each round starting "
                + "with the next in turn. A side's calls per round are fixed beforehand to fill about "
                + "\(Format.duration(roundSeconds)) (at least 1, at most \(Format.count(mostCalls))); the figure is "
                + "the median time per call, the ratio the median of the rounds' ratios. Drains: "
                + drained.map { "\(Format.count($0.operations)) operations (\($0.ours.count) × ours then curl's)" }
                    .joined(separator: ", ") + ", as in benchmark 3.",
            rows: rows,
            notes: notes,
            ownTable: true,
            charts: [statusChart(status), drainChart(drained)])
    }

    private func statusChart(_ points: [StatusPoint]) -> Chart {
        func series(_ name: String, _ color: String, dashed: Bool = false, _ values: (StatusPoint) -> [Double])
            -> LineChart.Series {
            LineChart.Series(name: name, color: color, dashed: dashed,
                             points: points.map { (Double($0.queued), Samples.median(values($0))) })
        }
        let chart = LineChart(
            title: "Status: time per call against the length of the queue",
            xLabel: "queued operations (logarithmic)", yLabel: "time per call, median (logarithmic)",
            xTicks: points.map { Double($0.queued) }, yScale: .logarithmic, yTickLabel: Self.tick,
            series: [series("localStatus()", "#1f77b4", \.engine),
                     series("ac_call(\"status\")", "#9467bd", \.cInterface),
                     series("SQLite point read (reference)", "#7f7f7f", dashed: true, \.pointRead)])
        return Chart(fileName: "status-growth.svg",
                     caption: "Status: median time per call of localStatus(), ac_call status and the SQLite point read, "
                         + "against the number of queued operations",
                     svg: chart.svg)
    }

    private func drainChart(_ pairs: [DrainBenchmark.Pairs]) -> Chart {
        func series(_ name: String, _ color: String, dashed: Bool = false, _ values: (DrainBenchmark.Pairs) -> [Double])
            -> LineChart.Series {
            LineChart.Series(name: name, color: color, dashed: dashed,
                             points: pairs.map { (Double($0.operations), Double($0.operations) / Samples.median(values($0))) })
        }
        let chart = LineChart(
            title: "Drain: throughput against the length of the queue",
            xLabel: "operations drained (logarithmic)", yLabel: "operations per second, median",
            xTicks: pairs.map { Double($0.operations) }, yScale: .linear, yTickLabel: { Format.count(Int($0.rounded())) },
            series: [series("SyncEngine.sync()", "#1f77b4", \.ours),
                     series("curl, one connection (reference)", "#ff7f0e", dashed: true, \.curl)])
        return Chart(fileName: "drain-growth.svg",
                     caption: "Drain: median operations per second of SyncEngine.sync() and of curl, against the "
                         + "number of operations drained",
                     svg: chart.svg)
    }

    /// A tick of a time axis, in the unit that keeps it short: 500 ns,
    /// 1 µs, 20 ms, 1 s.
    private static func tick(_ seconds: Double) -> String {
        // A hair up, so that a power of ten computed as 0.999...e-6 is 1 µs.
        let nudged = seconds * (1 + 1e-9)
        let (value, unit) = nudged >= 1 ? (seconds, "s") : nudged >= 1e-3 ? (seconds * 1e3, "ms")
            : nudged >= 1e-6 ? (seconds * 1e6, "µs") : (seconds * 1e9, "ns")
        // Ticks are 1, 2 or 5 times a power of ten: whole in their unit.
        return Format.count(Int(value.rounded())) + " " + unit
    }
}
