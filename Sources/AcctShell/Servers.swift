import AccountCore
import AccountSession
import FoundationEssentials

/// A server named in `servers.json`: `--server NAME` stands for it.
struct NamedServer: Equatable {
    let name: String
    let backend: String
    let url: String
    /// As the file names it; nil takes the core's rule for an unnamed one.
    let environment: ServerEnvironment?
}

/// `$XDG_CONFIG_HOME/acct/servers.json` (else `~/.config/acct/servers.json`):
/// `{"servers": {"NAME": {"backend": …, "url": …, "environment": …}}}`.
/// A missing file names no server; a malformed one is a usage error that
/// says where it is wrong, never half read.
enum ServerDirectory {
    static func path(environment: [String: String]) -> String {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? ".") + "/.config"
        return configHome + "/acct/servers.json"
    }

    /// The file's servers, by name; none when there is no file.
    static func load(path: String) throws(UsageError) -> [NamedServer] {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if FileManager.default.fileExists(atPath: path) { throw .serversFile(path: path, server: nil, key: "") }
            return []
        }
        return try parse(Array(bytes), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(UsageError) -> [NamedServer] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw .serversFile(path: path, server: nil, key: "")
        }
        guard let servers = document["servers"]?.objectValue else {
            throw .serversFile(path: path, server: nil, key: "servers")
        }
        var named: [NamedServer] = []
        for (name, entry) in servers.sorted(by: { $0.key < $1.key }) {
            guard let members = entry.objectValue else { throw .serversFile(path: path, server: name, key: "") }
            if let stray = members.keys.filter({ !["backend", "url", "environment"].contains($0) }).sorted().first {
                throw .serversFile(path: path, server: name, key: stray)
            }
            guard let backend = members["backend"]?.stringValue, BackendCatalog.backend(named: backend) != nil else {
                throw .serversFile(path: path, server: name, key: "backend")
            }
            guard let url = members["url"]?.stringValue, url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw .serversFile(path: path, server: name, key: "url")
            }
            var environment: ServerEnvironment?
            if let value = members["environment"] {
                guard let parsed = value.stringValue.flatMap(ServerEnvironment.init(rawValue:)) else {
                    throw .serversFile(path: path, server: name, key: "environment")
                }
                environment = parsed
            }
            named.append(NamedServer(name: name, backend: backend, url: url, environment: environment))
        }
        return named
    }
}
