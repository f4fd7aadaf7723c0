import AccountCore
import FoundationEssentials

/// 1. Durable enqueue: what writing one operation to the outbox costs, each
/// in its own durable transaction, against the same rows written by plain
/// `sqlite3_*` calls with the same schema and pragmas.
///
/// The two sides take turns in chunks (ours, then the reference, then ours
/// again, ...), each chunk adding to one file per side. A neighbour's burst
/// of disk traffic on the shared machine then lands on both sides alike
/// instead of on whichever happened to run at that moment.
struct EnqueueBenchmark {
    /// Operations per side (the issue's 20 000).
    var operations: Int
    /// Turns each side takes.
    var chunks: Int
    /// Runs of the one-transaction batch.
    var batchRuns: Int
    let scratch: ScratchDirectory

    /// The outbox's columns as the store fills them (all but `seq`, which
    /// SQLite assigns), in the order the reference binds them.
    private static let columns = "id, account, idempotency_key, kind, payload, created_at, attempts, next_attempt_at, "
        + "last_error, state, deletion_request_id, deadline, credential, not_before"

    private static var insertSQL: String {
        "INSERT INTO outbox (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    }

    func run() throws -> Section {
        let oursPath = scratch.file("enqueue-ours.sqlite")
        let store = try AccountStore(path: oursPath)
        let account = AccountID(backend: "allmine", userID: "benchmark")
        // Made before any clock starts: ids, keys and payloads are the
        // caller's work, not the store's.
        let created = SystemClock().now()
        let queued = (0..<operations).map { index in
            OutboxOperation(account: account,
                            payload: index % 2 == 0 ? .requestDeletion(reason: nil, days: nil, wipe: nil) : .cancelDeletion,
                            createdAt: created)
        }

        let schema = try Self.outboxSchema(of: oursPath)
        let reference = try Self.referenceDatabase(at: scratch.file("enqueue-reference.sqlite"), schema: schema)
        let begin = try reference.prepare("BEGIN IMMEDIATE")
        let insert = try reference.prepare(Self.insertSQL)
        let commit = try reference.prepare("COMMIT")

        var oursSeconds: [Double] = []
        var referenceSeconds: [Double] = []
        var lastSeq: Int64 = 0
        let perChunk = (operations + chunks - 1) / chunks
        for start in stride(from: 0, to: operations, by: perChunk) {
            let slice = queued[start..<min(operations, start + perChunk)]
            oursSeconds.append(try Stopwatch.time {
                for operation in slice { try store.enqueue(operation) }
            }.seconds)
            // The very rows the store wrote, read back, so the reference
            // writes the same bytes (payload JSON, uuids, milliseconds).
            let (rows, seq) = try Self.rows(of: oursPath, after: lastSeq)
            lastSeq = seq
            referenceSeconds.append(try Stopwatch.time {
                for row in rows {
                    try begin.run()
                    try insert.bind(row)
                    try insert.run()
                    try commit.run()
                }
            }.seconds)
        }

        let oursCount = try store.outbox(for: account).count
        let referenceCount = Int(try reference.scalarInteger("SELECT count(*) FROM outbox") ?? 0)
        guard oursCount == operations, referenceCount == operations else {
            throw BenchmarkError("enqueue: \(oursCount) rows in ours and \(referenceCount) in the reference, not \(operations)")
        }

        let allRows = try Self.rows(of: oursPath, after: 0).rows
        var batchSeconds: [Double] = []
        var oursBatchSeconds: [Double] = []
        for _ in 0..<batchRuns {
            batchSeconds.append(try batch(allRows))
            oursBatchSeconds.append(try oursBatch(Array(queued)))
        }

        let ours = oursSeconds.reduce(0, +)
        let referenceTotal = referenceSeconds.reduce(0, +)
        let ratio = referenceTotal / ours
        let chunkRatios = zip(referenceSeconds, oursSeconds).map { $0 / $1 }
        let spread = Samples.range(chunkRatios)
        let batchMedian = Samples.median(batchSeconds)
        let oursBatchMedian = Samples.median(oursBatchSeconds)
        let n = Double(operations)
        let overhead = (ours - referenceTotal) / n

        var notes = [
            "The goal (reference ÷ ours ≥ 0.80) is **\(ratio >= 0.8 ? "met" : "not met")**: "
                + "\(Format.ratio(ratio)) over the whole run; the \(chunkRatios.count) turns ranged from "
                + "\(Format.ratio(spread.low)) to \(Format.ratio(spread.high)). Per operation ours costs "
                + "\(Format.duration(ours / n)) and the reference \(Format.duration(referenceTotal / n)): "
                + (overhead >= 0 ? "\(Format.duration(overhead)) more" : "\(Format.duration(-overhead)) less")
                + " per durable enqueue.",
            "Both sides commit with `synchronous=FULL` in WAL mode, so each transaction waits for an `fsync` of "
                + "the WAL; that wait is common to both, and what differs is the work around it (both reuse prepared "
                + "statements; our store also encodes the payload as JSON, checks that its file is still in place "
                + "and takes its mutex, while the reference binds ready values).",
            "The reference's schema is the store's own: every `sqlite_schema` entry of table `outbox` read from "
                + "the store's file (the table, its `UNIQUE` autoindexes and `outbox_by_account`), so both sides "
                + "maintain the same indexes.",
            "Batch: ours through `AccountStore.enqueue(contentsOf:)`, one transaction, into a fresh store each "
                + "time; the reference one `BEGIN IMMEDIATE`, the rows, one `COMMIT` into a fresh file. Ours costs "
                + "\(Format.duration(oursBatchMedian / n)) per row (JSON encoding included), the reference "
                + "\(Format.duration(batchMedian / n)). A durable single enqueue costs "
                + "\(Format.ratio((ours / n) / (oursBatchMedian / n))) a batched row: the price of one `fsync` per "
                + "operation, which the store pays on purpose, since a queued cancel must be on disk before the "
                + "user is told it is queued.",
        ]
        if ratio < 0.8 {
            notes.append("Below goal: the turns' ratios above show whether this is the whole run or a noisy "
                         + "stretch; rerun on a quieter machine before acting on it.")
        }
        return Section(
            title: "1. Durable enqueue",
            reference: "the same rows inserted with plain `sqlite3_*` calls (module CSQLite) into a file with the "
                + "store's outbox schema and pragmas (journal_mode=WAL, synchronous=FULL, foreign_keys=ON, "
                + "secure_delete=ON), one `BEGIN IMMEDIATE`/`INSERT`/`COMMIT` per row, in the same process.",
            method: "one run of \(Format.count(operations)) operations per side (the figure is the total), taken in "
                + "\(chunkRatios.count) alternating turns of \(Format.count(perChunk)); ours through "
                + "`AccountStore.enqueue`, one durable transaction each. Batch: median of \(batchRuns) runs per side, "
                + "each into a fresh file.",
            rows: [
                Comparison(figure: "\(Format.count(operations)) single-operation transactions",
                           ours: Format.duration(ours) + " (" + Format.duration(ours / n) + "/op)",
                           reference: Format.duration(referenceTotal) + " (" + Format.duration(referenceTotal / n) + "/op)",
                           ratio: ratio, goal: 0.8),
                Comparison(figure: "\(Format.count(operations)) in one transaction",
                           ours: Format.duration(oursBatchMedian) + " (" + Format.duration(oursBatchMedian / n) + "/op)",
                           reference: Format.duration(batchMedian) + " (" + Format.duration(batchMedian / n) + "/op)",
                           ratio: batchMedian / oursBatchMedian, goal: nil),
            ],
            notes: notes)
    }

    /// One batch of `operations` in one transaction into a fresh store.
    private func oursBatch(_ operations: [OutboxOperation]) throws -> Double {
        let store = try AccountStore(path: scratch.uniquePath("enqueue-ours-batch") + ".sqlite")
        return try Stopwatch.time { try store.enqueue(contentsOf: operations) }.seconds
    }

    /// One batch of `rows` in one transaction into a fresh reference file.
    private func batch(_ rows: [[RawValue]]) throws -> Double {
        let path = scratch.uniquePath("enqueue-batch") + ".sqlite"
        let schema = try Self.outboxSchema(of: scratch.file("enqueue-ours.sqlite"))
        let connection = try Self.referenceDatabase(at: path, schema: schema)
        let insert = try connection.prepare(Self.insertSQL)
        return try Stopwatch.time {
            try connection.execute("BEGIN IMMEDIATE")
            for row in rows {
                try insert.bind(row)
                try insert.run()
            }
            try connection.execute("COMMIT")
        }.seconds
    }

    /// The SQL of every schema entry of the outbox (table and indexes) in
    /// the store file at `path`, in creation order. Autoindexes have no SQL:
    /// the table's `UNIQUE` constraints recreate them.
    static func outboxSchema(of path: String) throws -> [String] {
        let connection = try RawConnection(path: path, create: false)
        return try connection.rows("SELECT sql FROM sqlite_schema WHERE tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY rowid")
            .compactMap { row in
                if case .text(let sql)? = row.first { return sql }
                return nil
            }
    }

    /// A new reference file at `path` with the store's pragmas and `schema`.
    private static func referenceDatabase(at path: String, schema: [String]) throws -> RawConnection {
        let connection = try RawConnection(path: path, create: true)
        try connection.applyStorePragmas()
        for statement in schema { try connection.execute(statement) }
        return connection
    }

    /// The outbox rows after `seq` in the file at `path`, in the reference's
    /// column order, and the last `seq` read.
    private static func rows(of path: String, after seq: Int64) throws -> (rows: [[RawValue]], lastSeq: Int64) {
        let connection = try RawConnection(path: path, create: false)
        let rows = try connection.rows("SELECT seq, \(columns) FROM outbox WHERE seq > ? ORDER BY seq", [.integer(seq)])
        var last = seq
        if case .integer(let value)? = rows.last?.first { last = value }
        return (rows.map { Array($0.dropFirst()) }, last)
    }
}

/// A benchmark could not measure what it was asked to.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
