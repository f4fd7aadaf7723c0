import AccountCore
import FoundationEssentials
import POSIXThread

/// Every request the back ends received, with its headers, kept in memory so
/// a test can show what left a client (or that nothing did). Credentials are
/// redacted: the log never holds a usable token.
final class RequestLog: Sendable {
    struct Entry: Sendable {
        var seq: Int
        var at: Instant
        var method: String
        var path: String
        var headers: [(String, String)]
        var connectionID: Int
        var status: Int?
    }

    /// Old entries are dropped past this many, so a long-running `acct serve`
    /// does not grow without bound.
    static let capacity = 50_000

    private let entries = LockedValue<(next: Int, list: [Entry])>((1, []))

    /// Records a request; returns its sequence number.
    func record(_ request: HTTPRequest, at now: Instant) -> Int {
        let headers = request.headers.map { header -> (String, String) in
            let sensitive = ["authorization", "x-api-key"].contains(header.name.lowercased())
            return (header.name, sensitive ? Self.redacted(header.value) : header.value)
        }
        return entries.withLock { log in
            let seq = log.next
            log.next += 1
            log.list.append(Entry(seq: seq, at: now, method: request.method, path: request.path,
                                  headers: headers, connectionID: request.connectionID, status: nil))
            if log.list.count > Self.capacity { log.list.removeFirst(log.list.count - Self.capacity) }
            return seq
        }
    }

    /// Notes the status answered to request `seq` (nil: the connection was dropped).
    func setStatus(_ status: Int?, for seq: Int) {
        entries.withLock { log in
            if let index = log.list.lastIndex(where: { $0.seq == seq }) { log.list[index].status = status }
        }
    }

    func removeAll() {
        entries.withLock { $0.list.removeAll() }
    }

    var json: JSONValue {
        .array(entries.withLock { $0.list }.map { entry in
            [
                "seq": .integer(Int64(entry.seq)), "at": .string(ISO8601.format(entry.at)),
                "atMs": .integer(entry.at.millisecondsSince1970), "method": .string(entry.method),
                "path": .string(entry.path), "connectionId": .integer(Int64(entry.connectionID)),
                "status": entry.status.map { .integer(Int64($0)) } ?? .null,
                "headers": .array(entry.headers.map { [.string($0.0), .string($0.1)] }),
            ]
        })
    }

    /// Keeps the scheme ("Bearer") and hides the credential.
    private static func redacted(_ value: String) -> String {
        let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        return value.contains(" ") ? scheme + " [redacted]" : "[redacted]"
    }
}
