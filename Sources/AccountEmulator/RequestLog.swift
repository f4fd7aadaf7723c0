import AccountCore
import FoundationEssentials
import POSIXThread

/// Every request the back ends received, with its headers, kept in memory so
/// a test can show what left a client (or that nothing did), and the console
/// what an app sent. Credentials are masked: the log keeps a token's last
/// four characters at most, never a usable token.
final class RequestLog: Sendable {
    struct Entry: Sendable {
        var seq: Int
        var at: Instant
        var method: String
        var path: String
        var headers: [(String, String)]
        var connectionID: Int
        /// When it arrived, on a clock the emulator's moves leave alone.
        var arrived: ContinuousClock.Instant
        /// Nil while it is answered, and when the connection was dropped.
        var status: Int?
        /// Milliseconds from arrival to the answer (or the drop); nil while it is answered.
        var latencyMilliseconds: Double?
        /// Whether the answer was the one first given to its `Idempotency-Key`.
        var replayed: Bool
    }

    /// Old entries are dropped past this many, so a long-running `acct serve`
    /// does not grow without bound.
    static let capacity = 50_000

    private let entries = LockedValue<(next: Int, list: [Entry])>((1, []))

    /// Records a request; returns its sequence number.
    func record(_ request: HTTPRequest, at now: Instant) -> Int {
        let headers = request.headers.map { header -> (String, String) in
            let sensitive = ["authorization", "x-api-key"].contains(header.name.lowercased())
            return (header.name, sensitive ? Self.masked(header.value) : header.value)
        }
        let arrived = ContinuousClock.now
        return entries.withLock { log in
            let seq = log.next
            log.next += 1
            log.list.append(Entry(seq: seq, at: now, method: request.method, path: request.path, headers: headers,
                                  connectionID: request.connectionID, arrived: arrived, status: nil,
                                  latencyMilliseconds: nil, replayed: false))
            if log.list.count > Self.capacity { log.list.removeFirst(log.list.count - Self.capacity) }
            return seq
        }
    }

    /// Notes how request `seq` ended: the response it was answered with, or
    /// nil when the connection was dropped.
    func finish(_ seq: Int, with response: HTTPResponse?) {
        let elapsed = ContinuousClock.now
        entries.withLock { log in
            guard let index = log.list.lastIndex(where: { $0.seq == seq }) else { return }
            let took = log.list[index].arrived.duration(to: elapsed).components
            log.list[index].latencyMilliseconds = Double(took.seconds) * 1000 + Double(took.attoseconds) / 1e15
            log.list[index].status = response?.status
            log.list[index].replayed = response?.headers["Idempotent-Replayed"] == "true"
        }
    }

    func removeAll() {
        entries.withLock { $0.list.removeAll() }
    }

    /// The entries after sequence number `after` (all of them by default), oldest first.
    func json(after: Int = 0) -> JSONValue {
        .array(entries.withLock { log in log.list.filter { $0.seq > after } }.map { entry in
            [
                "seq": .integer(Int64(entry.seq)), "at": .string(ISO8601.format(entry.at)),
                "atMs": .integer(entry.at.millisecondsSince1970), "method": .string(entry.method),
                "path": .string(entry.path), "connectionId": .integer(Int64(entry.connectionID)),
                "status": entry.status.map { .integer(Int64($0)) } ?? .null,
                "latencyMs": entry.latencyMilliseconds.map { .number(($0 * 10).rounded() / 10) } ?? .null,
                "idempotencyKey": .string(entry.headers.first { $0.0.lowercased() == "idempotency-key" }?.1),
                "replayed": .bool(entry.replayed),
                "headers": .array(entry.headers.map { [.string($0.0), .string($0.1)] }),
            ]
        })
    }

    /// Keeps the scheme ("Bearer") and the credential's last four
    /// characters, enough to tell two tokens apart; a credential too short
    /// for that to leave most of it hidden is not shown at all.
    static func masked(_ value: String) -> String {
        let parts = value.split(separator: " ", maxSplits: 1)
        let scheme = parts.count == 2 ? String(parts[0]) + " " : ""
        let credential = parts.last.map(String.init) ?? ""
        guard credential.count >= 16 else { return scheme + "[redacted]" }
        return scheme + "…" + String(credential.suffix(4))
    }
}
