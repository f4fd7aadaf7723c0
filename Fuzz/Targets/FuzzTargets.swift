import AccountCore
import AccountCoreC
import AccountEmulator
import Allmine
import CAccountCore
import FoundationEssentials
import Mudbase
import Ovok
#if canImport(Glibc)
import Glibc
#endif

// Entry points for libFuzzer (Fuzz/run links one C driver per function) and
// for the tests, which replay every kept input through the same functions.
// Each returns 0; a bug shows as a crash or a failed precondition.

/// Back-end response decoding: the first byte picks the back end, the
/// status and the operation; the rest is the body.
@_cdecl("fuzz_responses")
public func fuzzResponses(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let selector = bytes.first ?? 0
    let backends: [any AccountBackend] = [AllmineBackend(), MudbaseBackend(), OvokBackend()]
    let backend = backends[Int(selector) % backends.count]
    let statuses = [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503]
    let response = BackendResponse(status: statuses[Int(selector / 3) % statuses.count],
                                   headers: ["retry-after": String(Int(selector))], body: Array(bytes.dropFirst()))
    let context = BackendContext(configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1"),
                                 now: Instant(secondsSince1970: 1_775_217_600))
    let operations: [BackendOperation] = [
        .profile, .stats, .deletionStatus, .requestDeletion(reason: nil, days: 30, wipe: true),
        .cancelDeletion(credentials: LoginCredentials(email: "a@b.c", password: "p")), .finalizeDeletion,
        .erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil),
    ]
    for operation in operations {
        if let outcome = try? backend.decodeSuccess(response, for: operation, context: context),
           let deletion = outcome.deletion {
            _ = deletion.remainingDays(at: context.now)
        }
    }
    _ = backend.serverMessage(in: response)
    _ = backend.serverTime(in: response)
    let error = AccountError.unreadable(response)
    if case .unexpectedResponse(_, let prefix) = error.reason {
        precondition(prefix.utf8.count <= 200 * 3, "the kept body prefix must stay short")
    }
    return 0
}

/// The emulator's HTTP request parser, with small and default limits.
@_cdecl("fuzz_http_parser")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for limits in [HTTPRequestParser.Limits(maxHeaderBytes: 64, maxBodyBytes: 16),
                   HTTPRequestParser.Limits(maxHeaderBytes: 16 * 1024, maxBodyBytes: 64 * 1024)] {
        if case .request(_, let consumed) = HTTPRequestParser.parse(bytes[...], limits: limits) {
            precondition(consumed >= 1 && consumed <= bytes.count, "a request consumes what it read")
        }
    }
    return 0
}

/// One core, offline, on a store of its own, opened once per process.
/// Unchecked: written once by Swift's thread-safe lazy initialization, and
/// `ac_call` may be called from any thread.
private nonisolated(unsafe) let fuzzCore: OpaquePointer? = {
    let directory = "/tmp/accountcore-fuzz-\(getpid())"
    mkdir(directory, 0o700)
    var core: OpaquePointer?
    let config = #"{"backend":"allmine","baseURL":"http://127.0.0.1:1","databasePath":"\#(directory)/store.sqlite"}"#
    var error: UnsafeMutablePointer<CChar>?
    guard ac_open(config, &core, &error) == 0 else { return nil }
    _ = ac_set_online(core, 0)
    return core
}()

/// `ac_call` with arbitrary operation and argument bytes: up to the first
/// newline the operation, after it the arguments; a NUL ends either.
@_cdecl("fuzz_ac_call")
public func fuzzACCall(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let core = fuzzCore else { preconditionFailure("ac_open failed") }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let split = bytes.firstIndex(of: 0x0A) ?? bytes.count
    var operation = Array(bytes[..<split]).map { CChar(bitPattern: $0) }
    operation.append(0)
    var arguments = Array(bytes[min(split + 1, bytes.count)...]).map { CChar(bitPattern: $0) }
    arguments.append(0)
    var out: UnsafeMutablePointer<CChar>?
    let status = ac_call(core, operation, split == bytes.count ? nil : arguments, &out)
    precondition(out != nil, "out_json is always set")
    precondition(status >= 0 && status <= 13, "a status of the header")
    if let out { precondition(JSONValue(parsing: Array(UnsafeBufferPointer(start: UnsafeRawPointer(out).assumingMemoryBound(to: UInt8.self), count: strlen(out)))) != nil, "out_json is JSON") }
    ac_string_free(out)
    return 0
}

/// The username policy, checked against what it promises.
@_cdecl("fuzz_username")
public func fuzzUsername(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    guard let username = try? Username(validating: text) else { return 0 }
    let value = Array(username.value.utf8)
    precondition((3...30).contains(value.count), "3 to 30 characters")
    precondition(value.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2E },
                 "only a-z 0-9 _ .")
    precondition((0x61...0x7A).contains(value[0]), "starts with a letter")
    precondition(value.last != 0x2E && !username.value.contains(".."), "no trailing dot, no double dot")
    precondition((try? Username(validating: username.value)) == username, "folding is stable")
    precondition(text.lowercased() == username.value, "only ASCII capitals were folded")
    return 0
}
