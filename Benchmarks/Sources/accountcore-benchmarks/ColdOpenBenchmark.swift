import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import FoundationEssentials

/// 2. Cold open: what an app pays at launch to open its store (with the
/// migration check) and ask one question, against a bare `sqlite3_open_v2`
/// and one `SELECT count(*)` on the same file.
///
/// "Cold" means a fresh connection each time, in this process; the file's
/// pages stay in the kernel's page cache, as they do between two launches
/// of an app.
struct ColdOpenBenchmark {
    /// Operations in the store (the issue's 10 000).
    var operations: Int
    /// Opens per side (median taken).
    var runs: Int
    let scratch: ScratchDirectory

    func run() async throws -> Section {
        let path = scratch.file("cold-open.sqlite")
        let account = try await Self.fill(path: path, operations: operations)

        var ours: [Double] = []
        var reference: [Double] = []
        var openOnly: [Double] = []
        var sink = Sink()
        // One untimed round of each warms the page cache and the code paths,
        // so the first timed sample is not the only one that reads the disk.
        sink.consume(try openOurs(path, account).count)
        sink.consume(try openReference(path).count)
        for round in 0..<runs {
            // Alternate which side goes first, so neither always follows
            // the other's close (and its WAL checkpoint).
            if round % 2 == 0 {
                let timed = try openOurs(path, account)
                ours.append(timed.seconds)
                sink.consume(timed.count)
                let bare = try openReference(path)
                reference.append(bare.seconds)
                sink.consume(bare.count)
            } else {
                let bare = try openReference(path)
                reference.append(bare.seconds)
                sink.consume(bare.count)
                let timed = try openOurs(path, account)
                ours.append(timed.seconds)
                sink.consume(timed.count)
            }
            openOnly.append(try openStoreOnly(path))
        }
        guard sink.total == UInt64(operations) * UInt64(2 * runs + 2) else {
            throw BenchmarkError("cold open: counted \(sink.total) operations, expected \(operations) each time")
        }

        let oursMedian = Samples.median(ours)
        let referenceMedian = Samples.median(reference)
        let openMedian = Samples.median(openOnly)
        let oursRange = Samples.range(ours)
        let referenceRange = Samples.range(reference)
        return Section(
            title: "2. Cold open",
            reference: "`sqlite3_open_v2` (read-write) plus `SELECT count(*) FROM outbox`, stepped once, on the same file.",
            method: "median of \(runs) opens per side, alternating which side goes first; each open is a fresh "
                + "instance, closed after the clock stops. Ours: `AccountStore(path:)` (file checks, WAL and the "
                + "other pragmas, the migration check) plus `outbox(for:).count`. The store holds "
                + "\(Format.count(operations)) queued operations, a cached profile and a cached deletion status.",
            rows: [
                Comparison(figure: "open + one query, \(Format.count(operations)) operations stored",
                           ours: Format.duration(oursMedian), reference: Format.duration(referenceMedian),
                           ratio: referenceMedian / oursMedian, goal: nil),
            ],
            notes: [
                "Spread: ours \(Format.duration(oursRange.low)) to \(Format.duration(oursRange.high)), the reference "
                    + "\(Format.duration(referenceRange.low)) to \(Format.duration(referenceRange.high)).",
                "The two queries do not do the same work, as the issue asks: `outbox(for:)` reads and decodes all "
                    + "\(Format.count(operations)) operations (a JSON payload and two UUIDs each) into values, and "
                    + "counts the array, while `count(*)` never leaves SQLite. Opening alone "
                    + "(`AccountStore(path:)` without the query, median of \(runs)) takes "
                    + "\(Format.duration(openMedian)); the rest of our figure, "
                    + "\(Format.duration(max(0, oursMedian - openMedian))), is reading the outbox.",
            ])
    }

    /// Our side: a new store and one query; the clock stops before the store
    /// closes.
    private func openOurs(_ path: String, _ account: AccountID) throws -> (seconds: Double, count: Int) {
        let began = Stopwatch.now()
        let store = try AccountStore(path: path)
        let count = try store.outbox(for: account).count
        let seconds = Stopwatch.now() - began
        // Closing (and its checkpoint) happens after the clock stopped.
        withExtendedLifetime(store) {}
        return (seconds, count)
    }

    /// Opening the store alone, to split our figure into open and query.
    private func openStoreOnly(_ path: String) throws -> Double {
        let began = Stopwatch.now()
        let store = try AccountStore(path: path)
        let seconds = Stopwatch.now() - began
        withExtendedLifetime(store) {}
        return seconds
    }

    /// The reference: a bare connection and `SELECT count(*)`.
    private func openReference(_ path: String) throws -> (seconds: Double, count: Int) {
        let began = Stopwatch.now()
        let connection = try RawConnection(path: path, create: false)
        let statement = try connection.prepare("SELECT count(*) FROM outbox")
        guard try statement.step(), case .integer(let count) = statement.value(0) else {
            throw BenchmarkError("cold open: count(*) returned no row")
        }
        let seconds = Stopwatch.now() - began
        withExtendedLifetime((connection, statement)) {}
        return (seconds, Int(count))
    }

    /// Makes the store at `path`: a profile and a deletion status cached from
    /// an emulator (so the cache is what a real answer leaves), then
    /// `operations` queued operations. Returns the account they belong to.
    static func fill(path: String, operations: Int) async throws -> AccountID {
        let emulator = try Emulator(configuration: .init())
        defer { emulator.stop() }
        let store = try AccountStore(path: path)
        let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: emulator.baseURL),
                                       store: store, transport: CurlTransport(), token: try emulator.issueToken(for: .allmine))
        _ = try await client.profile()
        _ = try await client.requestDeletion()
        guard let account = client.account, try store.cached(AccountProfile.self, for: account) != nil,
              try store.cached(DeletionStatus.self, for: account)?.value.state == .pending else {
            throw BenchmarkError("cold open: the emulator's answers were not cached")
        }
        let created = SystemClock().now()
        for index in 0..<operations {
            try store.enqueue(OutboxOperation(
                account: account,
                payload: index % 2 == 0 ? .cancelDeletion : .requestDeletion(reason: nil, days: nil, wipe: nil),
                createdAt: created))
        }
        return account
    }
}
