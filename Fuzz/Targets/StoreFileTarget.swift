import AccountCore
import AccountSession
import Allmine
import Dispatch
import SQLiteDB
#if canImport(Glibc)
import Glibc
#endif

// Store files from the hand of someone else: a copy of a version 1 or 2
// fixture (files that are on users' phones), its rows changed by the input,
// its version claimed otherwise, things planted in its schema; then opened
// (checked, migrated) and used as an app would: status, outbox, a sync, a
// sign-out that discards. Errors are fine; a crash, a planted object that
// is not refused, or an outbox that fails for a row it cannot read is not.

/// The package's root, from this file's place in it (Fuzz/Targets/).
private let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// The committed fixtures, read once.
private let fixtures: [[UInt8]] = ["store-v1.sqlite", "store-v2.sqlite"].map { name in
    let path = packageRoot + "/Tests/AccountCoreTests/Fixtures/" + name
    guard let file = fopen(path, "rb") else { preconditionFailure("no fixture at \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

/// The tables of versions 1 and 2 and their columns, as migrations 1 and 2 made them.
private let tables: [(name: String, columns: [String])] = [
    ("outbox", ["seq", "id", "account", "idempotency_key", "kind", "payload", "created_at", "attempts",
                "next_attempt_at", "last_error", "state", "deletion_request_id", "deadline"]),
    ("cache", ["account", "entry", "value", "as_of", "source"]),
    ("audit", ["seq", "account", "at", "action", "outcome", "http_status", "error_code", "operation_id"]),
]

/// Texts a row is likely to hold, for the fuzzer to mix with its own bytes.
private let likelyTexts = [
    "allmine:u1", "allmine@https://api.allmine.example", "ovok@https://api.ovok.example", "u1", "allmine?legacy:x",
    "cancelDeletion", "requestDeletion", "changeUsername", "transferAccount", "queued", "sending", "failed", "missed",
    #"{"cancelDeletion":{}}"#, #"{"requestDeletion":{"reason":5}}"#, #"{"changeUsername":{"_0":"renamed_user"}}"#,
    #"{"requestDeletion":{"days":30,"wipe":true}}"#, #"{"transferAccount":{"to":"bob"}}"#, "{", "null",
    "5B1F1C9E-3D43-4C55-9F0A-1B2C3D4E5F61", "profile", "deletion", "usernameCooldown", "server", "local",
    #"{"id":"u1","isLocked":false,"username":"fixture_user"}"#, "succeeded", "discarded",
]

/// A transport with no network behind it: every request fails at once.
private struct NoNetwork: HTTPTransport {
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        throw TransportFailure(.noConnection, detail: "no network in the fuzz target")
    }
}

/// Reads the input a byte at a time; zeros once it runs out.
private struct Reader {
    let bytes: [UInt8]
    var index = 0
    var atEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    mutating func chunk() -> [UInt8] {
        let count = Int(byte() % 48)
        let end = min(bytes.count, index + count)
        defer { index = max(index, end) }
        return index < end ? Array(bytes[index..<end]) : []
    }

    /// A value of any of SQLite's types, one of the likely texts often.
    mutating func value() -> SQLiteValue {
        let kind = byte()
        let raw = chunk()
        switch kind % 6 {
        case 0: return .null
        case 1: return .integer(raw.reduce(Int64(0)) { $0 &* 257 &+ Int64($1) } &- Int64(kind))
        case 2: return .real(Double(raw.reduce(0) { $0 &* 3 &+ Int($1) }) / 7)
        case 3: return .text(String(decoding: raw, as: UTF8.self))
        case 4: return .blob(raw)
        default: return .text(likelyTexts[Int(raw.first ?? kind) % likelyTexts.count])
        }
    }

    /// A name made of the input's letters, safe to put in SQL unquoted.
    mutating func name() -> String {
        let letters = chunk().map { UInt8(ascii: "a") + $0 % 26 }
        return "p_" + String(decoding: letters, as: UTF8.self)
    }
}

/// Applies the input's changes to the file at `path`; true when something
/// was planted in its schema, which opening must refuse.
private func tamper(_ path: String, version: Int, with reader: inout Reader) -> Bool {
    guard let raw = try? Database(path: path, create: false) else { return false }
    defer { raw.close() }
    let known = tables.prefix(version + 1)
    var planted = false
    var steps = 0
    while !reader.atEnd, steps < 32 {
        steps += 1
        let operation = reader.byte()
        let table = known[Int(reader.byte()) % known.count]
        let offset = Int(reader.byte() % 8)
        switch operation % 6 {
        case 0, 1:
            let column = table.columns[Int(reader.byte()) % table.columns.count]
            try? raw.execute("UPDATE \(table.name) SET \(column) = ? WHERE rowid = (SELECT rowid FROM \(table.name) LIMIT 1 OFFSET ?)",
                             [reader.value(), offset])
        case 2:
            try? raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [reader.value(), reader.value(), reader.value(), reader.value(), reader.value(), reader.value(),
                      likelyTexts[Int(reader.byte()) % 4 + 9]])
        case 3:
            try? raw.execute("DELETE FROM \(table.name) WHERE rowid = (SELECT rowid FROM \(table.name) LIMIT 1 OFFSET ?)",
                             [offset])
        case 4:
            // A claimed version: an earlier one, the file's own, or a newer one.
            try? raw.execute("PRAGMA user_version = \(offset)")
        default:
            let name = reader.name()
            let statement = switch reader.byte() % 4 {
            case 0: "CREATE TABLE \(name) (payload TEXT)"
            case 1: "CREATE INDEX \(name) ON \(table.name) (\(table.columns[1]))"
            case 2: "CREATE VIEW \(name) AS SELECT * FROM \(table.name)"
            default: "CREATE TRIGGER \(name) AFTER INSERT ON \(table.name) BEGIN SELECT 1; END"
            }
            if (try? raw.executeScript(statement)) != nil { planted = true }
        }
    }
    return planted
}

/// Runs `name` on `session` as `ac_call` does: on this thread when no
/// network is needed, else waiting for it.
private func call(_ session: Session, _ name: String, _ arguments: JSONValue? = nil) -> (status: CallStatus, json: [UInt8]) {
    let rest: @Sendable () async -> (status: CallStatus, json: [UInt8])
    switch session.begin(name, arguments: arguments) {
    case .answered(let status, let json): return (status, json)
    case .network(let network): rest = network
    }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var answer: (status: CallStatus, json: [UInt8]) = (.internal, [])
    Task {
        answer = await rest()
        done.signal()
    }
    done.wait()
    return answer
}

/// The first byte picks the fixture (bit 0), whether the core is online
/// (bit 1) and whether the configuration names the user (bit 2); the rest
/// are changes to the file (`tamper`).
@_cdecl("fuzz_store_file")
public func fuzzStoreFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var reader = Reader(bytes: bytes)
    let selector = reader.byte()
    let version = Int(selector & 1) + 1
    let directory = "/tmp/accountcore-fuzz-store-\(getpid())"
    mkdir(directory, 0o700)
    let path = directory + "/store.sqlite"
    for suffix in ["", "-wal", "-shm", "-journal", "-drain.lock"] { unlink(path + suffix) }
    let fixture = fixtures[version - 1]
    guard let file = fopen(path, "wb") else { preconditionFailure("cannot write \(path)") }
    precondition(fwrite(fixture, 1, fixture.count, file) == fixture.count, "cannot write \(path)")
    fclose(file)

    let planted = tamper(path, version: version, with: &reader)
    let configuration = SessionConfiguration(backend: AllmineBackend(),
                                             client: ClientConfiguration(baseURL: "http://127.0.0.1:1"),
                                             databasePath: path, account: selector & 4 == 0 ? nil : "u1")
    let session: Session
    do {
        session = try Session(configuration: configuration, token: "fuzz-token", transport: NoNetwork(),
                              online: selector & 2 != 0)
    } catch {
        return 0
    }
    defer { session.store.close() }
    precondition(!planted, "a store with something planted in its schema was opened")

    for (name, arguments) in [("status", nil), ("outbox", ["all": true] as JSONValue), ("outbox", nil),
                              ("sync", nil), ("status", nil), ("signOut", ["discard": true] as JSONValue),
                              ("outbox", ["all": true] as JSONValue)] {
        let answer = call(session, name, arguments)
        precondition(JSONValue(parsing: answer.json) != nil, "\(name) answers JSON")
        if name == "outbox" {
            // One row it cannot read never fails the listing.
            precondition(answer.status == .ok, "outbox failed: \(String(decoding: answer.json, as: UTF8.self))")
        }
    }
    return 0
}
