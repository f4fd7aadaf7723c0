import AccountCore

/// 2. Open and status: what a fresh process pays to open its store, sign
/// the user in and get the status the user sees, from the cache, with
/// operations queued, against a bare `sqlite3_open_v2` and one
/// `SELECT count(*) FROM outbox` on the same file.
///
/// A fresh instance each time, in this process; the file's pages stay in
/// the kernel's page cache, as they do between two launches of an app.
struct OpenStatusBenchmark {
    /// Operations queued in the store (the 10 000).
    var operations: Int
    /// Opens per side (median taken).
    var runs: Int
    let scratch: ScratchDirectory

    func run() async throws -> Section {
        let path = scratch.file("open-status.sqlite")
        _ = try await StatusStore.make(path: path, queued: operations)
        return try measure(path)
    }

    private func measure(_ path: String) throws -> Section {
        // One untimed open of each warms the page cache and the code paths,
        // so the first timed sample is not the only one that reads the disk.
        _ = try openOurs(path, status: true)
        _ = try openReference(path)
        let samples = try Rounds.interleaved(runs, [
            { try openOurs(path, status: true) },
            { try openReference(path) },
            { try openOurs(path, status: false) },
        ])
        let (ours, reference, openOnly) = (samples[0], samples[1], samples[2])
        let oursMedian = Samples.median(ours)
        let openMedian = Samples.median(openOnly)
        return Section(
            title: "2. Open and status",
            reference: "`sqlite3_open_v2` (read-write) plus `SELECT count(*) FROM outbox`, prepared and stepped once, "
                + "on the same file.",
            method: "\(runs) rounds, each side once per round, each round starting with the next side in turn, after "
                + "one untimed open of each; every open is a fresh instance, closed after the clock stops. Ours, as a "
                + "fresh process does it: `AccountStore(path:)`, an `AccountClient` (Allmine, `CurlTransport`) signed "
                + "in as the demo user without a token, a `SyncEngine` offline over it, and `localStatus()`, which is "
                + "checked to show the cached pending deletion and the queued cancel with its deadline. The store "
                + "holds a profile and a pending deletion cached from an emulator, and \(Format.count(operations)) "
                + "queued operations of the user (requests and renames in turn, one "
                + "cancel at a tenth of the queue), written by one `enqueue(contentsOf:)`.",
            rows: [
                .rounds("open + status, \(Format.count(operations)) operations queued", ours: ours, reference: reference,
                        goal: .atMost(2, "as long")),
            ],
            notes: [
                "Ours split: the same opens without the status (store, client and engine; a third side of the same "
                    + "rounds) take \(Format.duration(openMedian)); the status adds "
                    + "\(Format.duration(max(0, oursMedian - openMedian))).",
            ])
    }

    /// Our side: a new store, client and engine, and the status when
    /// `status`; the clock stops before they close.
    private func openOurs(_ path: String, status: Bool) throws -> Double {
        let began = Stopwatch.now()
        let engine = try StatusStore.offlineEngine(path: path)
        let report = status ? try engine.localStatus() : nil
        let seconds = Stopwatch.now() - began
        if let report, !StatusStore.shows(report, queued: operations) {
            throw BenchmarkError("open and status: the status shows \(report.deletion.state) with "
                                 + "\(report.queued.count) queued, not the store's pending deletion and queued cancel")
        }
        // Closing (and its checkpoint) happens after the clock stopped.
        withExtendedLifetime(engine) {}
        return seconds
    }

    /// The reference: a bare connection and `SELECT count(*)`.
    private func openReference(_ path: String) throws -> Double {
        let began = Stopwatch.now()
        let connection = try RawConnection(path: path, create: false)
        let statement = try connection.prepare("SELECT count(*) FROM outbox")
        guard try statement.step(), case .integer(let count) = statement.value(0) else {
            throw BenchmarkError("open and status: count(*) returned no row")
        }
        let seconds = Stopwatch.now() - began
        guard count == operations else { throw BenchmarkError("open and status: counted \(count), not \(operations)") }
        withExtendedLifetime((connection, statement)) {}
        return seconds
    }
}
