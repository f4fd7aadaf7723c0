import AccountCore
import CAccountCore

/// A core opened through the C interface on a store, offline, as a shell
/// opens it: every call goes through the header's symbols exactly as an
/// app's do (the implementation is linked into this executable, not loaded
/// from libAccountCoreC.so).
///
/// Its calls are made as an app makes them, from a thread of the caller's
/// rather than one of Swift's cooperative pool: a call that waits on the
/// pool would otherwise hold one of its few threads (two on a two-core
/// machine). The benchmark makes them on the main actor.
final class CCore {
    /// The base URL the core is opened on: nothing listens on port 1, and
    /// the core is set offline anyway, so every answer is the store's.
    static let unreachable = "http://127.0.0.1:1"

    private let handle: OpaquePointer

    /// `ac_open` on the store at `path`, signed in as the demo user without
    /// a token (nothing is sent), then `ac_set_online(core, 0)`.
    init(storePath path: String) throws {
        let config: JSONValue = ["backend": "allmine", "baseURL": .string(Self.unreachable), "databasePath": .string(path),
                                 "account": .string(StatusStore.userID)]
        var core: OpaquePointer?
        var openError: UnsafeMutablePointer<CChar>?
        let opened = String(decoding: config.encoded, as: UTF8.self).withCString { ac_open($0, &core, &openError) }
        guard opened == AC_OK, let core else {
            let detail = openError.map { String(cString: $0) } ?? "no error object"
            ac_string_free(openError)
            throw BenchmarkError("C interface: ac_open returned \(opened): \(detail)")
        }
        handle = core
        guard ac_set_online(core, 0) == AC_OK else { throw BenchmarkError("C interface: ac_set_online refused") }
    }

    deinit {
        ac_close(handle)
    }

    /// One `status` answer, checked: AC_OK, from the cache, the pending
    /// deletion; with `queued` operations, the queued cancel with its
    /// deadline among them.
    func checkStatus(queued: Int) throws {
        var out: UnsafeMutablePointer<CChar>?
        let code = ac_call(handle, "status", nil, &out)
        defer { ac_string_free(out) }
        let text = out.map { String(cString: $0) } ?? ""
        // No size limit: with 100 000 queued the answer may be longer than
        // the parser's default 16 MiB.
        guard code == AC_OK, let json = try? JSONParser.parse(Array(text.utf8), maximumBytes: .max),
              json["source"]?.stringValue == "cache", json["deletion"]?["status"]?.stringValue == "pending",
              queued == 0 || (json["queued"]?.arrayValue ?? []).contains(where: {
                  $0["kind"]?.stringValue == "cancelDeletion" && $0["deadline"].map { !$0.isNull } == true
              }) else {
            throw BenchmarkError("C interface: status returned \(code): \(text.prefix(500))")
        }
    }

    /// `calls` calls of `operation` without arguments, each answer freed
    /// with `ac_string_free`; their seconds. Each call's status and the
    /// answer's first byte are folded into a checked sum, so no call can be
    /// optimized away.
    func round(_ name: String, calls: Int) throws -> Double {
        var sink = Sink()
        let seconds = name.withCString { operation in
            Stopwatch.time {
                var out: UnsafeMutablePointer<CChar>?
                for _ in 0..<calls {
                    let code = ac_call(handle, operation, nil, &out)
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
}
