import AccountCore
import FoundationEssentials

/// 1. Durable enqueue: what writing one operation to the outbox costs, each
/// in its own durable transaction, and a batch in one, against the same
/// rows written by plain `sqlite3_*` calls with the same schema (every
/// table, index and trigger) and pragmas.
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

        let schema = try Self.schema(of: oursPath)
        let columns = try Self.outboxColumns(of: oursPath)
        let insertSQL = "INSERT INTO outbox (\(columns.joined(separator: ", "))) VALUES ("
            + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        let reference = try Self.referenceDatabase(at: scratch.file("enqueue-reference.sqlite"), schema: schema)
        let begin = try reference.prepare("BEGIN IMMEDIATE")
        let insert = try reference.prepare(insertSQL)
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
            let (rows, seq) = try Self.rows(of: oursPath, columns: columns, after: lastSeq)
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

        let allRows = try Self.rows(of: oursPath, columns: columns, after: 0).rows
        let batchSamples = try Rounds.interleaved(batchRuns, [
            { try oursBatch(queued) },
            { try batch(allRows, schema: schema, insertSQL: insertSQL) },
        ])
        let (oursBatchSeconds, batchSeconds) = (batchSamples[0], batchSamples[1])

        let ours = oursSeconds.reduce(0, +)
        let referenceTotal = referenceSeconds.reduce(0, +)
        let ratio = referenceTotal / ours
        let chunkRatios = zip(referenceSeconds, oursSeconds).map { $0 / $1 }
        let spread = Samples.range(chunkRatios)
        let batchMedian = Samples.median(batchSeconds)
        let oursBatchMedian = Samples.median(oursBatchSeconds)
        let n = Double(operations)
        let overhead = (ours - referenceTotal) / n

        let notes = [
            "Single: per operation ours costs \(Format.duration(ours / n)) and the reference "
                + "\(Format.duration(referenceTotal / n)): "
                + (overhead >= 0 ? "\(Format.duration(overhead)) more" : "\(Format.duration(-overhead)) less")
                + " per durable enqueue. The ratio is the whole run's (reference total ÷ ours); the spread is "
                + "that of the \(chunkRatios.count) turns.",
            "Both sides commit with `synchronous=FULL` in WAL mode, so each transaction waits for an `fsync` of "
                + "the WAL; that wait is common to both, and what differs is the work around it: ours turns an "
                + "`OutboxOperation` into its row (the payload as JSON, the ids as text), while the reference binds "
                + "the values our store wrote, read back beforehand.",
            "The reference's schema is the store's own: every table, index and trigger in the `sqlite_schema` "
                + "of the store's file (\(schema.count) statements, tables first, then indexes, then triggers; "
                + "autoindexes come with their tables), so both sides maintain the same indexes and fire the same "
                + "triggers.",
            "Batch: ours through `AccountStore.enqueue(contentsOf:)`, one transaction, into a fresh store each "
                + "time; the reference one `BEGIN IMMEDIATE`, the rows, one `COMMIT` into a fresh file with the same "
                + "schema; \(batchRuns) runs per side, alternating which goes first. Ours costs "
                + "\(Format.duration(oursBatchMedian / n)) per row, the reference \(Format.duration(batchMedian / n)). "
                + "A durable single enqueue costs \(Format.ratio((ours / n) / (oursBatchMedian / n))) a batched row: "
                + "the price of one `fsync` per operation, which the store pays on purpose, since a queued cancel "
                + "must be on disk before the user is told it is queued.",
        ]
        return Section(
            title: "1. Durable enqueue",
            reference: "the same rows inserted with plain `sqlite3_*` calls (module CSQLite), through statements "
                + "prepared once, into a file with the store's whole schema and its pragmas (journal_mode=WAL, "
                + "synchronous=FULL, foreign_keys=ON, secure_delete=ON), one `BEGIN IMMEDIATE`/`INSERT`/`COMMIT` per "
                + "row, in the same process.",
            method: "one run of \(Format.count(operations)) operations per side (the figure is the total), taken in "
                + "\(chunkRatios.count) alternating turns of \(Format.count(perChunk)); ours through "
                + "`AccountStore.enqueue`, one durable transaction each. Batch: \(batchRuns) runs per side, each "
                + "into a fresh file; the figure is each side's median, the ratio the median of the runs' ratios.",
            rows: [
                Comparison(figure: "\(Format.count(operations)) single-operation transactions",
                           ours: Format.duration(ours) + " (" + Format.duration(ours / n) + "/op)",
                           reference: Format.duration(referenceTotal) + " (" + Format.duration(referenceTotal / n) + "/op)",
                           ratio: ratio, goal: .atLeast(0.9, "(hold)"), spread: spread),
                .rounds("\(Format.count(operations)) in one transaction", ours: oursBatchSeconds, reference: batchSeconds,
                        goal: .atLeast(0.8)) { Format.duration($0) + " (" + Format.duration($0 / n) + "/op)" },
            ],
            notes: notes)
    }

    /// One batch of `operations` in one transaction into a fresh store.
    private func oursBatch(_ operations: [OutboxOperation]) throws -> Double {
        let store = try AccountStore(path: scratch.uniquePath("enqueue-ours-batch") + ".sqlite")
        return try Stopwatch.time { try store.enqueue(contentsOf: operations) }.seconds
    }

    /// One batch of `rows` in one transaction into a fresh reference file.
    private func batch(_ rows: [[RawValue]], schema: [String], insertSQL: String) throws -> Double {
        let connection = try Self.referenceDatabase(at: scratch.uniquePath("enqueue-batch") + ".sqlite", schema: schema)
        let insert = try connection.prepare(insertSQL)
        return try Stopwatch.time {
            try connection.execute("BEGIN IMMEDIATE")
            for row in rows {
                try insert.bind(row)
                try insert.run()
            }
            try connection.execute("COMMIT")
        }.seconds
    }

    /// The SQL of every table, index, trigger and view of the store file at
    /// `path`: tables first (a trigger may write any of them), each kind
    /// in creation order. SQLite's own entries (`sqlite_sequence`) are
    /// left out, and autoindexes have no SQL: the tables' `UNIQUE` and
    /// `PRIMARY KEY` constraints recreate them.
    static func schema(of path: String) throws -> [String] {
        let connection = try RawConnection(path: path, create: false)
        return try connection.rows("""
            SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND substr(name, 1, 7) != 'sqlite_'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid
            """).compactMap { row in
                if case .text(let sql)? = row.first { return sql }
                return nil
            }
    }

    /// The outbox's columns in the store file at `path`, in table order,
    /// but `seq`, which SQLite assigns: what the store fills and the
    /// reference binds.
    static func outboxColumns(of path: String) throws -> [String] {
        let connection = try RawConnection(path: path, create: false)
        let columns = try connection.rows("SELECT name FROM pragma_table_info('outbox') ORDER BY cid").compactMap { row in
            if case .text(let name)? = row.first, name != "seq" { return name }
            return nil
        }
        guard !columns.isEmpty else { throw BenchmarkError("enqueue: the store has no outbox") }
        return columns
    }

    /// A new reference file at `path` with the store's pragmas and `schema`.
    private static func referenceDatabase(at path: String, schema: [String]) throws -> RawConnection {
        let connection = try RawConnection(path: path, create: true)
        try connection.applyStorePragmas()
        for statement in schema { try connection.execute(statement) }
        return connection
    }

    /// The outbox rows after `seq` in the file at `path`, `columns` in
    /// order, and the last `seq` read.
    private static func rows(of path: String, columns: [String], after seq: Int64) throws
        -> (rows: [[RawValue]], lastSeq: Int64) {
        let connection = try RawConnection(path: path, create: false)
        let rows = try connection.rows("SELECT seq, \(columns.joined(separator: ", ")) FROM outbox WHERE seq > ? ORDER BY seq",
                                       [.integer(seq)])
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
