import AccountCore
import Testing

/// What the plugin tests share: a fixed clock, a response made from canned
/// bytes, and the error a call throws. No server, no emulator: a plugin is
/// five pure methods from values to bytes and from bytes to values.
enum PluginBytes {
    /// The context's now: 2026-04-03T12:00:00.000Z, the seeds' own instant.
    static let now = Instant(secondsSince1970: 1_775_217_600)

    /// A context over `configuration`, at `now`.
    static func context(_ configuration: ClientConfiguration = ClientConfiguration(baseURL: "https://api.example"))
        -> BackendContext {
        BackendContext(configuration: configuration, now: now)
    }

    /// A response with `status` and `text` as its body.
    static func response(_ status: Int, _ text: String, headers: [String: String] = ["content-type": "application/json"])
        -> BackendResponse {
        BackendResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// The body's bytes as text, nil without a body.
    static func body(_ request: BackendRequest) -> String? {
        request.body.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// The instant an ISO 8601 text names.
    static func instant(_ text: String) throws -> Instant {
        try #require(ISO8601.parse(text), "\(text)")
    }

    /// The error `work` throws; records an issue and returns nil when it throws none.
    static func failure<Value>(_ work: () throws(AccountError) -> Value,
                               sourceLocation: SourceLocation = #_sourceLocation) -> AccountError? {
        do {
            let value = try work()
            Issue.record("no error, but \(value)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// An HTML error page, as a proxy in front of any back end may send.
    static let proxyPage = "<html><body><h1>502 Bad Gateway</h1></body></html>"
}
