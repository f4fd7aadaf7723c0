import AccountCore
import CurlTransport
import AccountEmulator
import Allmine
import CAccountCore
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// 4. The C interface: what one `ac_call(core, "status", NULL, &out)`
/// answered from the cache costs a C caller, against a bare exported
/// function that does nothing (`ac_abi_version()`), called as often.
///
/// Only the C module is imported for the calls, so they go through the
/// header's symbols exactly as an app's do (the implementation is linked
/// into this executable, not loaded from libAccountCoreC.so).
struct CInterfaceBenchmark {
    /// Calls per round (the issue's 20 000).
    var calls: Int
    /// Rounds per side (median taken).
    var rounds: Int
    let scratch: ScratchDirectory

    /// The base URL the core is opened on: nothing listens on port 1, and
    /// the core is set offline anyway, so every answer is the cache's.
    static let unreachable = "http://127.0.0.1:1"

    /// Fills the cache of the store at `path` for the account `ac_open`
    /// will name (the emulator's demo user): a real answer from an
    /// emulator, a profile and a pending deletion.
    static func seed(path: String) async throws {
        let emulator = try Emulator(configuration: .init())
        defer { emulator.stop() }
        let store = try AccountStore(path: path)
        let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: emulator.baseURL),
                                       store: store, transport: CurlTransport(), token: try emulator.issueToken(for: .allmine),
                                       account: Emulator.demoUserID(of: .allmine))
        _ = try await client.profile()
        _ = try await client.requestDeletion()
    }

    /// Measures both sides. Synchronous on purpose, and called from the
    /// main thread: `ac_call` blocks its caller until Swift's concurrency
    /// pool has answered, and the header requires a caller's own thread,
    /// never one of the pool's.
    func run(storePath path: String) throws -> Section {
        let config: JSONValue = ["backend": "allmine", "baseURL": .string(Self.unreachable), "databasePath": .string(path),
                                 "account": .string(Emulator.demoUserID(of: .allmine))]
        var core: OpaquePointer?
        var openError: UnsafeMutablePointer<CChar>?
        let opened = String(decoding: config.encoded, as: UTF8.self).withCString { ac_open($0, &core, &openError) }
        defer { ac_close(core) }
        guard opened == AC_OK, core != nil else {
            let detail = openError.map { String(cString: $0) } ?? "no error object"
            ac_string_free(openError)
            throw BenchmarkError("C interface: ac_open returned \(opened): \(detail)")
        }
        guard ac_set_online(core, 0) == AC_OK else { throw BenchmarkError("C interface: ac_set_online refused") }

        try checkAnswer(core)
        var statusSamples: [Double] = []
        var bareSamples: [Double] = []
        // One untimed round of each first: page faults and lazy set-up
        // belong to no call.
        _ = try statusRound(core)
        _ = try bareRound()
        for round in 0..<rounds {
            if round % 2 == 0 {
                statusSamples.append(try statusRound(core) / Double(calls))
                bareSamples.append(try bareRound() / Double(calls))
            } else {
                bareSamples.append(try bareRound() / Double(calls))
                statusSamples.append(try statusRound(core) / Double(calls))
            }
        }

        let status = Samples.median(statusSamples)
        let bare = Samples.median(bareSamples)
        // A call that reads nothing from the store, for scale: what the
        // crossing, the hop onto the pool and the JSON answer cost alone.
        let capabilities = Samples.median(try (0..<max(1, rounds / 2)).map { _ in
            try round(core, operation: "capabilities") / Double(calls)
        })
        let statusRange = Samples.range(statusSamples)
        return Section(
            title: "4. C interface",
            reference: "`ac_abi_version()`, an exported function that does no work, called the same number of times "
                + "through the same header.",
            method: "median of \(rounds) rounds of \(Format.count(calls)) calls per side, alternating; the figure is "
                + "the time per call. Ours: `ac_call(core, \"status\", NULL, &out)` then `ac_string_free(out)`, on a "
                + "core opened with `ac_open` on \(Self.unreachable) and set offline with `ac_set_online(core, 0)`, "
                + "so every answer comes from the store's cache (a pending deletion and a profile, cached from an "
                + "emulator beforehand). Each call's status and first byte are folded into a checked sum, so no "
                + "call can be optimized away.",
            rows: [
                Comparison(figure: "per call", ours: Format.duration(status), reference: Format.duration(bare),
                           ratio: bare / status, goal: nil),
            ],
            notes: [
                "Spread of ours: \(Format.duration(statusRange.low)) to \(Format.duration(statusRange.high)) per call.",
                "The reference measures only the cost of crossing into the library; a status call checks its "
                    + "arguments, hops onto Swift's concurrency pool and waits for it (a semaphore), reads the cache "
                    + "and the outbox from SQLite, decodes the cached JSON, and encodes the answer as JSON into a "
                    + "new C string. The ratio is therefore tiny by construction; the absolute time per call is "
                    + "what tells whether a shell can ask for the status on every frame or only on demand. For "
                    + "scale, `ac_call(core, \"capabilities\", NULL, &out)`, which reads nothing from the store, "
                    + "takes \(Format.duration(capabilities)) per call (median of \(max(1, rounds / 2)) rounds).",
            ])
    }

    /// One answer, checked: AC_OK, from the cache, the pending deletion.
    private func checkAnswer(_ core: OpaquePointer?) throws {
        var out: UnsafeMutablePointer<CChar>?
        let code = ac_call(core, "status", nil, &out)
        defer { ac_string_free(out) }
        let text = out.map { String(cString: $0) } ?? ""
        guard code == AC_OK, let json = JSONValue(parsing: Array(text.utf8)),
              json["source"]?.stringValue == "cache", json["deletion"]?["status"]?.stringValue == "pending" else {
            throw BenchmarkError("C interface: status returned \(code): \(text.prefix(500))")
        }
    }

    /// `calls` status calls; seconds.
    private func statusRound(_ core: OpaquePointer?) throws -> Double {
        try round(core, operation: "status")
    }

    /// `calls` calls of `operation` without arguments; seconds.
    private func round(_ core: OpaquePointer?, operation name: String) throws -> Double {
        var sink = Sink()
        let seconds = name.withCString { operation in
            Stopwatch.time {
                var out: UnsafeMutablePointer<CChar>?
                for _ in 0..<calls {
                    let code = ac_call(core, operation, nil, &out)
                    // AC_OK (0) plus the answer's first byte, "{".
                    sink.consume(Int(code) + Int(out?.pointee ?? 0))
                    ac_string_free(out)
                }
            }.seconds
        }
        guard sink.total == UInt64(calls) * UInt64(UInt8(ascii: "{")) else {
            throw BenchmarkError("C interface: a \(name) call did not answer AC_OK with a JSON object")
        }
        return seconds
    }

    /// `calls` calls of `ac_abi_version()`; seconds.
    private func bareRound() throws -> Double {
        var sink = Sink()
        let seconds = Stopwatch.time {
            for _ in 0..<calls { sink.consume(UInt64(ac_abi_version())) }
        }.seconds
        guard sink.total == UInt64(calls) * UInt64(AC_ABI_VERSION) else {
            throw BenchmarkError("C interface: ac_abi_version answered \(sink.total / UInt64(max(1, calls)))")
        }
        return seconds
    }
}
