import AccountCore
import AccountEmulator
import AccountSession
import Allmine
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The doors of a session (what `ac_call` and `acct` run) at the edges of
/// issue 27: a token outside RFC 6750's `b64token` (item 4), an `http://`
/// base URL off the device (item 5), and storage errors that must not name
/// the user's path (item 11).
@Suite("Hardening: the session's doors")
struct EdgeDoorTests {
    static let injected = "zq7\r\nX-Injected: yes"

    /// The error JSON a session gives for `error`, as `ac_open` and `acct --json` print it.
    static func json(_ error: AccountError, _ language: Language = .english) -> String {
        String(decoding: Session.errorJSON(error, localizer: Localizer(language: language)).encoded, as: UTF8.self)
    }

    @Test("a CR/LF token is refused by Session's doors (open, sign-in, a new token), and its error JSON holds none of it")
    func sessionRefusesToken() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let configuration = SessionConfiguration(backend: AllmineBackend(),
                                                 client: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                 databasePath: directory.file("store.sqlite"))
        do {
            _ = try Session(configuration: configuration, token: Self.injected, transport: harness.transport())
            Issue.record("opened with a CR/LF token")
        } catch {
            #expect(error.reason == .invalidInput(.invalidToken))
            for language in [Language.english, .turkish] {
                let text = Self.json(error, language)
                #expect(text.contains("\"code\":\"invalidInput\""), "\(text)")
                #expect(!text.contains("zq7") && !text.contains("Injected"), "\(text)")
            }
        }
        let session = try Session(configuration: configuration, token: try harness.token(.allmine),
                                  transport: harness.transport())
        #expect(throws: AccountError(.invalidInput(.invalidToken))) { try session.signIn(account: nil, token: Self.injected) }
        #expect(throws: AccountError(.invalidInput(.invalidToken))) { try session.engine.setToken(Self.injected) }
        #expect(throws: AccountError(.invalidInput(.invalidToken))) { try session.signIn(account: "u1", token: "tok en") }
        // The token given at open still goes.
        let (status, _) = await session.perform("status", arguments: nil)
        #expect(status == .ok)
        let received = try await harness.requests()
        #expect(!received.isEmpty)
        #expect(!received.contains { $0["headers"]?.arrayValue?.contains { $0.arrayValue?.first == "X-Injected" } == true })
    }

    @Test("\"allowInsecureHTTP\" in the configuration: http:// off the device only with it, a boolean")
    func allowInsecureHTTPKey() throws {
        func parse(_ members: String) throws(AccountError) -> SessionConfiguration {
            let text = #"{"backend": "allmine", "databasePath": "/tmp/x.sqlite", "# + members + "}"
            guard let json = JSONValue(parsing: Array(text.utf8)) else { throw AccountError(.internal) }
            return try SessionConfiguration.parse(json)
        }
        #expect(throws: AccountError(.invalidInput(.insecureBaseURL))) { try parse(#""baseURL": "http://example.com""#) }
        #expect(throws: AccountError(.invalidInput(.insecureBaseURL))) {
            try parse(#""baseURL": "http://127.0.0.1.example.com", "allowInsecureHTTP": false"#)
        }
        #expect(throws: AccountError(.invalidInput(.invalidConfiguration(field: "allowInsecureHTTP")))) {
            try parse(#""baseURL": "http://example.com", "allowInsecureHTTP": "yes""#)
        }
        #expect(try parse(#""baseURL": "http://example.com", "allowInsecureHTTP": true"#).client.allowInsecureHTTP)
        #expect(try !parse(#""baseURL": "http://127.0.0.1:8080""#).client.allowInsecureHTTP)
        #expect(try !parse(#""baseURL": "https://example.com", "allowInsecureHTTP": null"#).client.allowInsecureHTTP)
    }

    @Test("a storage error's JSON says which file failed, never the path that names the user",
          arguments: ["a missing directory", "a directory for the file", "not a database", "the drain lock"])
    func noPathInErrors(_ fault: String) async throws {
        let marker = "MARKER-u53r-n4me"
        let directory = try TemporaryDirectory()
        let home = directory.file(marker)
        #expect(mkdir(home, 0o700) == 0)
        var path = home + "/store.sqlite"
        switch fault {
        case "a missing directory":
            path = home + "/missing/store.sqlite"
        case "a directory for the file":
            #expect(mkdir(path, 0o700) == 0)
        case "not a database":
            try write(Array(String(repeating: "not SQLite ", count: 100).utf8), to: path)
        default:
            #expect(mkdir(path + "-drain.lock", 0o700) == 0)
        }
        let error: AccountError
        do {
            let store = try AccountStore(path: path)
            let harness = try Harness(listens: false)
            let client = try AuthorizedSender(store: store,
                                              client: AccountClient(backend: AllmineBackend(),
                                                                    configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                    transport: harness.transport()),
                                              token: try harness.token(.allmine))
            _ = try await SyncEngine(store: store, sender: client).sync()
            Issue.record("no storage error")
            return
        } catch let thrown as AccountError {
            error = thrown
        }
        #expect(error.code == .storage, "\(error)")
        for language in [Language.english, .turkish] {
            let text = Self.json(error, language)
            #expect(!text.contains(marker), "\(text)")
            #expect(!text.contains(directory.path), "\(text)")
        }
        #expect(!"\(error)".contains(marker))
        if fault == "the drain lock" { #expect(error.detail?.contains("the store's drain lock") == true, "\(error)") }
        if fault == "a missing directory" { #expect(error.detail?.contains("the store's directory") == true, "\(error)") }
    }
}
