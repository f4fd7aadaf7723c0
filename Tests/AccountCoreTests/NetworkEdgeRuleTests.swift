@testable import AccountCore
import CSQLite
import SQLiteDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The rules of the network edge (issue 27, items 4, 5 and 11), each in its
/// one place: what a bearer token may hold (`BearerToken`), which `http://`
/// base URL stays on the device (`URLAuthority`), what a 3xx becomes
/// (`AccountError.forStatus`), and that a storage error names no path
/// (`AccountError.init(mapping:)`).
@Suite("Network edge rules")
struct NetworkEdgeRuleTests {
    @Test("a bearer token is RFC 6750's b64token: these go",
          arguments: ["abc", "A-Z.a_z~0+9/", "dGVzdA==", "x=", "tok~+/=", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
                      String(repeating: "a", count: 4096)])
    func validTokens(_ token: String) throws {
        #expect(BearerToken.isValid(token))
        try BearerToken.validate(token)
    }

    @Test("anything else is refused, and the error holds nothing of the token",
          arguments: ["", "=", "==", "=abc", "a=b", "zq7 en", " zq7", "zq7 ", "zq7\r\nX-Injected: yes", "zq7\n", "zq7\r",
                      "zq7\t", "zq7\u{0}x", "zq7\u{7F}", "tök", "zq7\u{200B}", "zq7,x", "zq7;x", "\"zq7\"", "zq7:x",
                      "zq7@x", "zq7\u{85}"])
    func invalidTokens(_ token: String) {
        #expect(!BearerToken.isValid(token))
        do {
            try BearerToken.validate(token)
            Issue.record("accepted \(token.debugDescription)")
        } catch {
            #expect(error.reason == .invalidInput(.invalidToken))
            #expect(error.detail == nil)
            #expect(!"\(error)".contains("zq7"))
            for language in [Language.english, .turkish] {
                let message = Localizer(language: language).message(for: error)
                #expect(message.contains("RFC") || message.contains("bearer"), "\(message)")
                #expect(token.count < 3 || !message.contains(token))
            }
        }
    }

    @Test("http:// to this device's loopback, or https:// anywhere, is accepted",
          arguments: ["http://127.0.0.1", "http://127.0.0.1:8080/api", "http://127.255.0.1:1", "http://localhost:3000",
                      "HTTP://LOCALHOST", "http://[::1]:8080", "http://[::1]", "http://[0:0:0:0:0:0:0:1]/",
                      "http://[::0:1]", "http://127.0.0.1:65535/", "https://example.com", "https://127.0.0.1.evil.com",
                      "https://user@example.com"])
    func loopbackOrTLS(_ url: String) throws {
        try ClientConfiguration(baseURL: url).validate()
    }

    @Test("http:// anywhere else is refused, naming the rule, however the host is dressed up as loopback",
          arguments: ["http://example.com", "http://127.0.0.1.evil.com", "http://localhost.evil.com",
                      "http://user@evil.com", "http://127.0.0.1@evil.com", "http://localhost:80@evil.com",
                      "http://[::1]@evil.com", "http://[::1].evil.com", "http://a@b@127.0.0.1", "http://127.0.0.1\\@evil.com",
                      "http://0177.0.0.1", "http://0x7f.0.0.1", "http://2130706433", "http://127.1", "http://127.0.0.256",
                      "http://127.0.0.01", "http://localhost./", "http://[::ffff:127.0.0.1]", "http://[::1%25lo]",
                      "http://[::2]", "http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:x", "http://127.0.0.1:",
                      "http://10.0.0.1", "http://192.168.1.10:8080"])
    func clearTextRefused(_ url: String) throws {
        do {
            try ClientConfiguration(baseURL: url).validate()
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.reason == .invalidInput(.insecureBaseURL), "\(error)")
        }
        // Allowed in so many words, it goes (when it is a URL at all).
        if URLAuthority(url: url) != nil {
            try ClientConfiguration(baseURL: url, allowInsecureHTTP: true).validate()
        }
    }

    @Test("the refusal says what to do, in English and Turkish")
    func clearTextMessage() {
        let error = AccountError(.invalidInput(.insecureBaseURL))
        let english = Localizer(language: .english).message(for: error)
        let turkish = Localizer(language: .turkish).message(for: error)
        #expect(english.contains("https://") && english.contains("allowInsecureHTTP"))
        #expect(turkish.contains("https://") && turkish.contains("allowInsecureHTTP"))
        #expect(english != turkish)
    }

    @Test("a 3xx, whatever the back end said, is an unexpected response naming its Location, made inert",
          arguments: [301, 302, 303, 307, 308])
    func redirectIsUnexpected(_ status: Int) {
        let hostile = "https://elsewhere.example/x\r\nX-Injected: yes\u{1B}[31m\u{202E}" + String(repeating: "a", count: 500)
        let response = BackendResponse(status: status, headers: ["location": hostile], body: Array("moved".utf8))
        let error = AccountError.forStatus(response, serverMessage: "a message from the body")
        #expect(error.reason == .unexpectedResponse(status: status, bodyPrefix: "moved"))
        #expect(error.code == .unexpectedResponse && error.retry == .setAside)
        let detail = error.detail ?? ""
        #expect(detail.hasPrefix("a redirect to https://elsewhere.example/xX-Injected: yes[31maaa"), "\(detail)")
        #expect(detail.hasSuffix("…, not followed"))
        #expect(!detail.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        #expect(detail.unicodeScalars.count < 260)

        let bare = AccountError.forStatus(BackendResponse(status: status, headers: [:], body: []), serverMessage: nil)
        #expect(bare.detail == "a redirect without a Location, not followed")
    }

    @Test("a storage error says which file, never its path")
    func noPathInStorageErrors() {
        let opened = AccountError(mapping: FileSystemError(operation: "open", file: .store, errno: EACCES))
        #expect(opened.reason == .storage(.readOnly))
        #expect(opened.detail == "open the store's file: \(String(cString: strerror(EACCES)))")
        let locked = AccountError(mapping: FileSystemError(operation: "flock", file: .drainLock, errno: EIO))
        #expect(locked.detail?.hasPrefix("flock the store's drain lock: ") == true)
        #expect(AccountError(mapping: StoreFault.journalLost).detail?.contains("the store's journal (WAL)") == true)
        #expect(AccountError(mapping: StoreFault.fileRemoved).detail?.contains("the store's file") == true)
        // What SQLite or the system said passes through withoutPaths.
        let sqlite = SQLiteError(code: SQLITE_CANTOPEN, message: "unable to open database: /home/alice/Library/store.sqlite-wal")
        let mapped = AccountError(mapping: sqlite)
        #expect(mapped.detail?.contains("alice") == false, "\(mapped)")
        #expect(mapped.detail?.contains("<path>") == true)
        #expect(AccountError.withoutPaths("disk I/O error in `SELECT a / b FROM t`") == "disk I/O error in `SELECT a / b FROM t`")
        #expect(AccountError.withoutPaths("open '/var/mobile/Containers/x.sqlite', (/tmp/y)") == "open '<path>', (<path>)")
    }
}
