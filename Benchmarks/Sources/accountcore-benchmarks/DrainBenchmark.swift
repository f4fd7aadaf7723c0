import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import FoundationEssentials

/// 3. Drain: how fast `SyncEngine.sync()` delivers a long queue to a server
/// on loopback, and over how many connections, against `curl` sending the
/// very same requests over one kept-alive connection.
///
/// The queue alternates request and cancel for the Allmine demo user, as
/// the process-drain tests do, so every operation is one the server
/// applies; each side drains into its own fresh emulator, and both must
/// leave the same mutation log.
struct DrainBenchmark {
    /// Operations per drain of `run` (the issue's 2 000).
    var operations: Int
    /// Pairs of drains of `run`.
    var runs: Int
    let scratch: ScratchDirectory

    private static let deletionPath = "/api/v1/users/me/account-deletion"

    /// One side's drain: its time and what the emulator saw.
    private struct Drain {
        var seconds: Double
        var connections: Int
        var requests: [LoggedRequest]
    }

    /// The drains of one queue length, ours and curl's, in pairs.
    struct Pairs {
        /// Operations per drain.
        var operations: Int
        /// Seconds of each of our drains, in pair order.
        var ours: [Double]
        /// Seconds of each of curl's, in pair order.
        var curl: [Double]
        /// The distinct connection counts of our drains and of curl's.
        var oursConnections: Set<Int>
        var curlConnections: Set<Int>

        /// Ours against curl: the rates' ratio (curl's time ÷ ours) per pair.
        func comparison(_ figure: String, goal: Goal? = nil) -> Comparison {
            let n = Double(operations)
            return .rounds(figure, ours: ours, reference: curl, goal: goal) {
                Format.rate(n / $0, unit: "ops") + " (" + Format.duration($0) + ")"
            }
        }
    }

    /// `runs` pairs of drains of `operations`: ours into a fresh emulator,
    /// then curl sending what ours sent into another.
    func measure(_ operations: Int, runs: Int) async throws -> Pairs {
        var pairs = Pairs(operations: operations, ours: [], curl: [], oursConnections: [], curlConnections: [])
        for _ in 0..<runs {
            let drained = try await drainOurs(operations)
            let replayed = try drainCurl(replaying: drained.requests, operations: operations)
            pairs.ours.append(drained.seconds)
            pairs.curl.append(replayed.seconds)
            pairs.oursConnections.insert(drained.connections)
            pairs.curlConnections.insert(replayed.connections)
        }
        return pairs
    }

    func run() async throws -> Section {
        let pairs = try await measure(operations, runs: runs)
        let n = Double(operations)
        let perOperation = (Samples.median(pairs.ours) - Samples.median(pairs.curl)) / n
        func listed(_ counts: Set<Int>) -> String { counts.sorted().map(String.init).joined(separator: ", ") }
        return Section(
            title: "3. Drain",
            reference: "`curl -K config` sending every request our drain sent, in its order (the "
                + "\(Format.count(operations)) operations' and any other, such as the engine's one question of whose "
                + "the token is): method, path, headers including `Authorization` and `Idempotency-Key`, body; in one "
                + "process, one request after another, with `next` between them; timed as a subprocess, from spawn "
                + "to exit.",
            method: "\(runs) pairs of drains, ours then curl's; the figure is the median rate of each side, the ratio "
                + "the median of the pairs' ratios. Each of our drains is of \(Format.count(operations)) operations "
                + "queued straight into a new store (one `AccountStore.enqueue(contentsOf:)`, alternating "
                + "requestDeletion and cancelDeletion for the Allmine demo user) and drained by one "
                + "`SyncEngine.sync()` to an in-process emulator on loopback (statePath nil). Every drain gets a "
                + "fresh emulator, and its request log "
                + "(GET /__emulator/requests) gives the connections (distinct `connectionId`) and shows every "
                + "request answered 200; the mutation logs of both sides are checked to be the same.",
            rows: [
                pairs.comparison("\(Format.count(operations)) operations drained", goal: .atLeast(0.7)),
                Comparison(figure: "connections used", ours: listed(pairs.oursConnections),
                           reference: listed(pairs.curlConnections), ratio: nil, goal: nil),
            ],
            notes: [
                "The two sides do not do the same work: curl only sends, while the engine, for each operation, "
                    + "reads it from the outbox, sends it, and removes it in the durable transaction that records "
                    + "its answer. Ours takes \(Format.duration(perOperation)) more per operation than curl's request "
                    + "alone (difference of the medians). curl's figure includes its start-up (one process for all "
                    + "requests).",
            ])
    }

    /// Queues `operations` into a new store and drains them with the engine.
    private func drainOurs(_ operations: Int) async throws -> Drain {
        let emulator = try freshEmulator()
        defer { emulator.stop() }
        let configuration = ClientConfiguration(baseURL: emulator.baseURL)
        // In the configuration's environment, as a session opens it: what a
        // store queues in another is held, never sent (issue 28).
        let store = try AccountStore(path: scratch.uniquePath("drain") + ".sqlite",
                                     environment: configuration.effectiveEnvironment)
        let client = try AccountClient(backend: AllmineBackend(), configuration: configuration, transport: CurlTransport())
        let engine = try SyncEngine(store: store, client: client, token: try emulator.issueToken(for: .allmine),
                                    account: Emulator.demoUserID(of: .allmine))
        let created = SystemClock().now()
        guard let account = engine.account else { throw BenchmarkError("drain: nobody signed in") }
        // One transaction: a queue of 20 000 durable enqueues would take
        // longer to write than to drain, and none of it is timed.
        try store.enqueue(contentsOf: (0..<operations).map { index in
            OutboxOperation(account: account,
                            payload: index % 2 == 0 ? .requestDeletion(reason: nil, days: nil, wipe: nil) : .cancelDeletion,
                            createdAt: created, environment: configuration.effectiveEnvironment)
        })

        let (seconds, report) = try await Stopwatch.time { try await engine.sync() }
        guard report.sent == operations, report.failed == 0, report.remaining == 0 else {
            throw BenchmarkError("drain: sent \(report.sent), failed \(report.failed), \(report.remaining) left "
                                 + "of \(operations)")
        }
        let control = EmulatorControl(baseURL: emulator.baseURL, scratch: scratch)
        let requests = try control.requests()
        try Self.check(requests, actions: try control.appliedActions(), operations: operations, side: "ours")
        return Drain(seconds: seconds, connections: Set(requests.map(\.connectionID)).count, requests: requests)
    }

    /// Sends what our drain sent, with curl, to a fresh emulator.
    private func drainCurl(replaying sent: [LoggedRequest], operations: Int) throws -> Drain {
        let emulator = try freshEmulator()
        defer { emulator.stop() }
        let token = try emulator.issueToken(for: .allmine)
        let configPath = scratch.uniquePath("curl-drain") + ".conf"
        try Files.save(Self.curlConfig(replaying: sent, baseURL: emulator.baseURL, token: token), to: configPath)

        let result = try Subprocess.run("curl", ["-K", configPath], scratch: scratch)
        guard result.status == 0 else {
            throw BenchmarkError("drain: curl exited \(result.status): \(result.errorText.prefix(2_000))")
        }
        let control = EmulatorControl(baseURL: emulator.baseURL, scratch: scratch)
        let requests = try control.requests()
        try Self.check(requests, actions: try control.appliedActions(), operations: operations, side: "curl")
        // The same requests in the same order, with the same header fields
        // (curl adds none of its own: the config removes its User-Agent).
        for (ours, theirs) in zip(sent, requests) {
            guard ours.method == theirs.method, ours.path == theirs.path,
                  Self.headerNames(ours) == Self.headerNames(theirs),
                  ours.headers.first(where: { $0.name == "Idempotency-Key" })?.value
                    == theirs.headers.first(where: { $0.name == "Idempotency-Key" })?.value else {
                throw BenchmarkError("drain: curl's request \(theirs.seq) differs from ours: "
                                     + "\(theirs.method) \(theirs.path) \(Self.headerNames(theirs)) against "
                                     + "\(ours.method) \(ours.path) \(Self.headerNames(ours))")
            }
        }
        return Drain(seconds: result.seconds, connections: Set(requests.map(\.connectionID)).count, requests: requests)
    }

    /// Every operation arrived once, was answered 200 and applied, in the
    /// alternating order it was queued. Other requests (the engine asks
    /// once whose the token is before it sends under it) may be among them,
    /// answered 200 too; curl sends them as well.
    private static func check(_ requests: [LoggedRequest], actions: [String], operations: Int, side: String) throws {
        let expected = (0..<operations).map { $0 % 2 == 0 ? "requestDeletion" : "cancelDeletion" }
        let mutations = requests.filter { $0.path == deletionPath }
        guard mutations.count == operations, requests.allSatisfy({ $0.status == 200 }), actions == expected else {
            let statuses = Set(requests.map { $0.status.map(String.init) ?? "dropped" }).sorted()
            throw BenchmarkError("drain (\(side)): \(requests.count) requests (statuses \(statuses)), "
                                 + "\(actions.count) mutations, expected \(operations) alternating")
        }
    }

    /// Header names in order, lowercased, without those curl computes itself.
    private static func headerNames(_ request: LoggedRequest) -> [String] {
        request.headers.map { $0.name.lowercased() }.filter { $0 != "host" && $0 != "content-length" }
    }

    /// A curl config that sends `sent` again, in order, with `token`.
    ///
    /// Header fields are copied from the request log, so curl sends what our
    /// client put on the wire; only `Host` and `Content-Length` are left to
    /// curl, and `Authorization` (redacted in the log) carries the new
    /// emulator's token. The body of a POST is what `AllmineBackend` sends
    /// for a request without a reason: `JSONBody(["reason": nil])`.
    static func curlConfig(replaying sent: [LoggedRequest], baseURL: String, token: String) -> String {
        let postBody = String(decoding: JSONBody(["reason": nil]).bytes, as: UTF8.self)
        var lines: [String] = []
        for (index, request) in sent.enumerated() {
            if index > 0 { lines.append("next") }
            lines.append("silent")
            lines.append("show-error")
            lines.append("url = " + quoted(baseURL + request.path))
            lines.append("request = " + quoted(request.method))
            lines.append("output = \"/dev/null\"")
            var names: Set<String> = []
            for header in request.headers {
                let name = header.name.lowercased()
                names.insert(name)
                guard name != "host", name != "content-length" else { continue }
                let value = name == "authorization" ? "Bearer " + token : header.value
                lines.append("header = " + quoted(header.name + ": " + value))
            }
            // curl's own fields that our client does not send.
            if !names.contains("user-agent") { lines.append("header = \"User-Agent:\"") }
            if !names.contains("expect") { lines.append("header = \"Expect:\"") }
            if request.method == "POST" { lines.append("data-binary = " + quoted(postBody)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A double-quoted curl config string.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
