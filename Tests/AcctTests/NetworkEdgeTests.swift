import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// acct at the network edge (issue 27, items 4 and 5): a token outside
/// RFC 6750's `b64token` is refused wherever it is given, and an `http://`
/// server off this machine needs `--allow-insecure-http`.
@Suite("acct: tokens and clear text")
struct AcctNetworkEdgeTests {
    static let refusedEnglish = "The access token has characters a bearer token can't have (only letters, digits, - . _ ~ + / and = at the end): it was not used.\n"

    @Test("a token with CR/LF or a space is refused from --token, ACCT_TOKEN and the prompt, in English and Turkish, and never sent")
    func badToken() async throws {
        let harness = try Harness()
        let acct = try Acct()
        let server = harness.emulator.baseURL
        var result = try await acct("--server", server, "--token", "tok\r\nX-Injected: yes", "whoami")
        #expect(result.status == 1)
        #expect(result.errorOutput == Self.refusedEnglish)
        result = try await acct("--server", server, "--token", "tok en", "--lang", "tr", "whoami")
        #expect(result.status == 1)
        #expect(result.errorOutput.hasPrefix("Erişim belirtecinde"), "\(result.errorOutput)")
        let (status, json) = try await acct.json("--server", server, "--token", "tok\r\nX-Injected: yes", "whoami")
        #expect(status == 1)
        #expect(json?["error"]?["code"] == "invalidInput")
        #expect(json?["error"]?["detail"] == .null)
        var environment = acct.environment
        environment["ACCT_TOKEN"] = "tok\tx"
        result = try await execute(Acct.binary, ["--server", server, "whoami"], environment: environment)
        #expect(result.status == 1)
        #expect(result.errorOutput == Self.refusedEnglish)
        #expect(try await harness.requests().isEmpty)

        // At the prompt, a line's --token is the session's from then on,
        // checked as any other: refused, the one before stays.
        let good = try harness.token(.allmine)
        result = try await acct("--server", server, "--token", good, "shell",
                                input: "whoami --token \"tok en\"\nwhoami\nwhoami --token 'Ab0-._~+/9=='\nexit\n")
        #expect(result.errorOutput.hasPrefix(Self.refusedEnglish), "\(result.errorOutput)")
        #expect(result.output.contains("demo_user"), "\(result.output)")
        // The last line's token went as it is (the emulator does not know it: 401).
        #expect(result.errorOutput.hasSuffix("Your session has ended. Sign in again.\nSign in again to continue.\n"),
                "\(result.errorOutput)")
        let received = try await harness.requests()
        #expect(received.map { $0["status"]?.integerValue } == [200, 401], "\(received)")
        #expect(!received.contains { $0["headers"]?.arrayValue?.contains { $0.arrayValue?.first == "X-Injected" } == true })
    }

    @Test("an http:// server off this machine is refused unless --allow-insecure-http; loopback needs nothing")
    func clearText() async throws {
        let acct = try Acct()
        var result = try await acct("--server", "http://192.0.2.1:9", "--token", "t0ken", "whoami")
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("http://") && result.errorOutput.contains("https://"), "\(result.errorOutput)")
        result = try await acct("--server", "http://127.0.0.1.example.invalid:9", "--lang", "tr", "--token", "t0ken", "whoami")
        #expect(result.status == 1)
        #expect(result.errorOutput.hasPrefix("Sunucu adresi şifrelemesiz http://"), "\(result.errorOutput)")
        // Allowed, it is tried (and is not there: unreachable, 4). An
        // unnamed remote server is production: the request needs --yes.
        result = try await acct("--server", "http://192.0.2.1:9", "--allow-insecure-http", "--token", "t0ken", "--offline",
                                "delete", "request", "--yes")
        #expect(result.status == 3, "\(result.errorOutput)")
        let help = try await acct("--help").output
        #expect(help.contains("--allow-insecure-http"))
    }
}

/// acct's errors name no path (issue 27, item 11): a store that cannot be
/// opened is named as "the store's file", never by the path that holds the
/// user's name.
@Suite("acct: errors name no path")
struct AcctPathlessErrorTests {
    @Test("a store that cannot be opened: which file, not where, in the text and in --json")
    func noPath() async throws {
        let acct = try Acct()
        let marker = "MARKER-u53r-n4me"
        let place = acct.home.file(marker + "/store.sqlite")
        _ = try await execute("/bin/mkdir", ["-p", place])
        var result = try await acct("--db", place, "--offline", "status")
        #expect(result.status == 6)
        #expect(!(result.output + result.errorOutput).contains(marker), "\(result.errorOutput)")
        let (status, json) = try await acct.json("--db", place, "--offline", "status")
        #expect(status == 6)
        let detail = json?["error"]?["detail"]?.stringValue ?? ""
        #expect(detail.hasPrefix("open the store's file: "), "\(detail)")
        #expect(!detail.contains(marker) && !detail.contains(acct.home.path), "\(detail)")
        result = try await acct("--db", place, "--offline", "--lang", "tr", "status")
        #expect(!(result.output + result.errorOutput).contains(marker), "\(result.errorOutput)")
    }
}
