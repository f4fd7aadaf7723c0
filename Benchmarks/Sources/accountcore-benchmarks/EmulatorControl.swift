import AccountCore
import AccountEmulator

/// A request as the emulator's request log shows it.
struct LoggedRequest {
    var seq: Int64
    var method: String
    var path: String
    /// Header fields in the order received; credentials redacted.
    var headers: [(name: String, value: String)]
    /// The same for every request of one TCP connection.
    var connectionID: Int64
    /// The status answered; nil when the connection was dropped.
    var status: Int64?
}

/// The emulator's control API (`/__emulator/`), called through `curl` so
/// the figures' own client is never the one that reads them.
struct EmulatorControl {
    let baseURL: String
    let scratch: ScratchDirectory

    /// `GET /__emulator/requests`: what the back ends received, in order.
    func requests() throws -> [LoggedRequest] {
        let json = try call("GET", "requests")
        guard let list = json["requests"]?.arrayValue else { throw BenchmarkError("control: no requests in the answer") }
        return try list.map { entry in
            guard let seq = entry["seq"]?.integerValue, let method = entry["method"]?.stringValue,
                  let path = entry["path"]?.stringValue, let connection = entry["connectionId"]?.integerValue else {
                throw BenchmarkError("control: an unreadable request log entry")
            }
            let headers: [(name: String, value: String)] = (entry["headers"]?.arrayValue ?? []).compactMap { pair in
                guard let name = pair.arrayValue?.first?.stringValue, let value = pair.arrayValue?.last?.stringValue else {
                    return nil
                }
                return (name, value)
            }
            return LoggedRequest(seq: seq, method: method, path: path, headers: headers, connectionID: connection,
                                 status: entry["status"]?.integerValue)
        }.sorted { $0.seq < $1.seq }
    }

    /// `GET /__emulator/mutations`: the actions the back ends applied, in order.
    func appliedActions() throws -> [String] {
        let json = try call("GET", "mutations")
        guard let list = json["mutations"]?.arrayValue else { throw BenchmarkError("control: no mutations in the answer") }
        return list.compactMap { $0["action"]?.stringValue }
    }

    private func call(_ method: String, _ path: String) throws -> JSONValue {
        let result = try Subprocess.run("curl", ["-sS", "--max-time", "120", "-X", method,
                                                 baseURL + "/__emulator/" + path], scratch: scratch)
        guard result.status == 0, let json = JSONValue(parsing: result.output) else {
            throw BenchmarkError("control: \(method) \(path): curl exited \(result.status): \(result.errorText)")
        }
        return json
    }
}

/// A fresh in-memory emulator with its control API: each side of a
/// comparison gets its own, so both apply the same mutations to the same
/// seeded demo user from the same starting state.
func freshEmulator() throws -> Emulator {
    try Emulator(configuration: .init(statePath: nil, enableControlAPI: true))
}
