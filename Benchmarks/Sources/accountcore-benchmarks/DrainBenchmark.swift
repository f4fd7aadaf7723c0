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
    /// Operations per drain (the issue's 2 000).
    var operations: Int
    /// Drains per side (median taken).
    var runs: Int
    let scratch: ScratchDirectory

    private static let deletionPath = "/api/v1/users/me/account-deletion"

    /// One side's drain: its time and what the emulator saw.
    private struct Drain {
        var seconds: Double
        var connections: Int
        var requests: [LoggedRequest]
    }

    func run() async throws -> Section {
        var ours: [Drain] = []
        var curl: [Drain] = []
        for _ in 0..<runs {
            let drained = try await drainOurs(operations)
            ours.append(drained)
            curl.append(try drainCurl(replaying: drained.requests))
        }

        let oursSeconds = Samples.median(ours.map(\.seconds))
        let curlSeconds = Samples.median(curl.map(\.seconds))
        let n = Double(operations)
        let oursRate = n / oursSeconds
        let curlRate = n / curlSeconds
        let oursConnections = Set(ours.map(\.connections)).sorted().map(String.init).joined(separator: ", ")
        let curlConnections = Set(curl.map(\.connections)).sorted().map(String.init).joined(separator: ", ")
        let oursRange = Samples.range(ours.map { n / $0.seconds })
        let curlRange = Samples.range(curl.map { n / $0.seconds })
        let perOperation = (oursSeconds - curlSeconds) / n
        // A tenth of the queue, drained the same way: whether our cost per
        // operation depends on how long the queue is.
        let shortCount = max(1, operations / 10)
        let short = try await drainOurs(shortCount)
        let shortRate = Double(shortCount) / short.seconds
        var scaling = "A queue a tenth as long (\(Format.count(shortCount)) operations, one drain) goes at "
            + "\(Format.rate(shortRate, unit: "ops")), against \(Format.rate(oursRate, unit: "ops")) for "
            + "\(Format.count(operations))."
        if shortRate > 1.5 * oursRate {
            scaling += " The cost per operation grows with the length of the queue: before each send the engine "
                + "reads the whole outbox of the account (`outbox(for:)`, decoding every operation's JSON payload), "
                + "and after each answer it reads it again to announce the new status, so draining n operations "
                + "decodes on the order of n² rows. curl has no such term."
        }

        return Section(
            title: "3. Drain",
            reference: "`curl -K config` sending the same \(Format.count(operations)) requests (method, path, headers "
                + "including `Authorization` and `Idempotency-Key`, body) in one process, one request after another, "
                + "with `next` between them; timed as a subprocess, from spawn to exit.",
            method: "median of \(runs) drains per side, each of \(Format.count(operations)) operations queued straight "
                + "into a store (`AccountStore.enqueue`, alternating requestDeletion and cancelDeletion for the "
                + "Allmine demo user) and drained by one `SyncEngine.sync()` to an in-process emulator on loopback "
                + "(statePath nil). Every side gets a fresh emulator, and its request log (GET /__emulator/requests) "
                + "gives the connections (distinct `connectionId`) and shows every request answered 200; the "
                + "mutation logs of both sides are checked to be the same.",
            rows: [
                Comparison(figure: "\(Format.count(operations)) operations drained",
                           ours: Format.rate(oursRate, unit: "ops") + " (" + Format.duration(oursSeconds) + ")",
                           reference: Format.rate(curlRate, unit: "ops") + " (" + Format.duration(curlSeconds) + ")",
                           ratio: oursRate / curlRate, goal: nil),
                Comparison(figure: "connections used", ours: oursConnections, reference: curlConnections,
                           ratio: nil, goal: nil),
            ],
            notes: [
                "Spread: ours \(Format.rate(oursRange.low, unit: "ops")) to \(Format.rate(oursRange.high, unit: "ops")), "
                    + "curl \(Format.rate(curlRange.low, unit: "ops")) to \(Format.rate(curlRange.high, unit: "ops")).",
                "The two sides do not do the same work: curl only sends, while the engine, for each operation, "
                    + "reads the head of the queue, sends, and removes the operation in a durable transaction that "
                    + "also records the answer in the cache and the audit trail (one `fsync`); it announces the "
                    + "status once per drain. Ours costs \(Format.duration(perOperation)) more per operation than curl's "
                    + "request alone. curl's figure includes its start-up (one process for all requests).",
                scaling,
            ])
    }

    /// Queues `operations` into a new store and drains them with the engine.
    private func drainOurs(_ operations: Int) async throws -> Drain {
        let emulator = try freshEmulator()
        defer { emulator.stop() }
        let store = try AccountStore(path: scratch.uniquePath("drain") + ".sqlite")
        let client = try AccountClient(backend: AllmineBackend(),
                                       configuration: ClientConfiguration(baseURL: emulator.baseURL),
                                       store: store, transport: CurlTransport(), token: try emulator.issueToken(for: .allmine),
                                       account: Emulator.demoUserID(of: .allmine))
        let engine = SyncEngine(client: client)
        let created = SystemClock().now()
        guard let account = client.account else { throw BenchmarkError("drain: nobody signed in") }
        for index in 0..<operations {
            try store.enqueue(OutboxOperation(
                account: account,
                payload: index % 2 == 0 ? .requestDeletion(reason: nil, days: nil, wipe: nil) : .cancelDeletion,
                createdAt: created))
        }

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
    private func drainCurl(replaying sent: [LoggedRequest]) throws -> Drain {
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
    /// alternating order it was queued.
    private static func check(_ requests: [LoggedRequest], actions: [String], operations: Int, side: String) throws {
        let expected = (0..<operations).map { $0 % 2 == 0 ? "requestDeletion" : "cancelDeletion" }
        guard requests.count == operations, requests.allSatisfy({ $0.status == 200 }), actions == expected else {
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
