import AccountCore
import FoundationEssentials
import Testing
import TestSupport

/// Named servers (`servers.json`), and a loopback emulator named
/// production there: the first line and the prompt say so, and what would
/// change data is warned about and sent only when confirmed.
@Suite("acct against a server named production in servers.json", .serialized)
struct ProductionServerTests {
    /// An emulator, a user of it, and an acct whose servers.json names the
    /// emulator `live` (production) and `dev` (unnamed: loopback, development).
    private struct Setup {
        let harness: Harness
        var acct: Acct
        let token: String

        init(servers: String? = nil) async throws {
            harness = try Harness()
            acct = try Acct()
            acct.environment["XDG_CONFIG_HOME"] = acct.home.file("config")
            let url = harness.emulator.baseURL
            let made = try await harness.control("POST", "users", ["backend": "allmine"])
            token = made["token"]?.stringValue ?? ""
            try write(servers ?? """
                {"servers": {"live": {"backend": "allmine", "url": "\(url)", "environment": "production"},
                             "dev": {"backend": "allmine", "url": "\(url)"}}}
                """, to: "config/acct/servers.json")
            #expect(!token.isEmpty)
            harness.clock.set(SystemClock().now())
        }

        func write(_ text: String, to path: String) throws {
            try FileManager.default.createDirectory(atPath: acct.home.file("config/acct"), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: acct.home.file(path)))
        }

        /// The requests that could change something (everything but GET).
        func posts() async throws -> [JSONValue] {
            try await harness.requests().filter { $0["method"] != "GET" }
        }
    }

    @Test("acct servers lists the embedded emulator and the file's servers, with their environments")
    func listing() async throws {
        let setup = try await Setup()
        let url = setup.harness.emulator.baseURL
        let result = try await setup.acct("servers")
        #expect(result.status == 0)
        let column = max(url.count, 24)
        func padded(_ text: String) -> String { text + String(repeating: " ", count: column - text.count) }
        let expected: [String] = [
            "embedded  allmine  " + padded("(embedded, this machine)") + "  development",
            "dev       allmine  " + padded(url) + "  development",
            "live      allmine  " + padded(url) + "  production",
        ]
        #expect(lines(result.output) == expected)
        let (status, json) = try await setup.acct.json("servers")
        #expect(status == 0)
        #expect(json?["servers"]?.arrayValue?.map { $0["environment"] } == ["development", "development", "production"])
    }

    @Test("off a terminal: without --yes exit 2 with the warning, in English and Turkish, nothing sent; with --yes it is sent")
    func offTerminal() async throws {
        let setup = try await Setup()
        var result = try await setup.acct("--server", "live", "--token", setup.token, "delete", "request")
        #expect(result.status == 2)
        #expect(lines(result.output) == ["production: live"])
        #expect(result.errorOutput.hasPrefix(
            "Production warning: this command changes data on live, a production server, and real people's data is affected."
            + " To test, use a development server.\ndelete request asks before it acts"), "\(result.errorOutput)")
        result = try await setup.acct("--lang", "tr", "--server", "live", "--token", setup.token, "delete", "request")
        #expect(result.status == 2)
        #expect(result.errorOutput.hasPrefix("Production uyarısı: bu komut live üzerinde, bir production sunucusunda veri değiştirir"),
                "\(result.errorOutput)")
        #expect(try await setup.posts().isEmpty)

        // Reading changes nothing: no warning.
        result = try await setup.acct("--server", "live", "--token", setup.token, "status")
        #expect(result.status == 0)
        #expect(lines(result.output).first == "production: live")
        #expect(result.errorOutput.isEmpty)

        // Development: nothing changes from before servers.json.
        result = try await setup.acct("--server", "dev", "--token", setup.token, "--db", setup.acct.home.file("dev.sqlite"),
                                      "rename", "from_dev")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(!result.output.contains("production") && result.errorOutput.isEmpty)
        #expect(try await setup.posts().count == 1)

        result = try await setup.acct("--server", "live", "--token", setup.token, "delete", "request", "--yes")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.errorOutput.hasPrefix("Production warning:"))
        #expect(try await setup.posts().count == 2)
    }

    @Test("on a terminal: the prompt names production; delete request asks, n sends nothing; NO_COLOR has no escape, colour is red")
    func onTerminal() async throws {
        let setup = try await Setup()
        let direct = try PseudoTerminal(Acct.binary, ["--server", "live", "--token", setup.token, "delete", "request"],
                                        environment: setup.acct.environment)
        #expect(try await direct.waitFor("Send it to production? Type yes to continue:"))
        direct.send("n\r")
        #expect(try await direct.waitFor("Nothing was done."))
        #expect(try await direct.wait() == 1)
        #expect(direct.output.contains("production: live") && direct.output.contains("Production warning:"))
        #expect(direct.output.contains("Nothing was done."))
        #expect(!direct.output.contains("\u{1B}[31m"))

        var environment = setup.acct.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm"
        let prompt = try PseudoTerminal(Acct.binary, ["--server", "live", "--token", setup.token, "shell"],
                                        environment: environment)
        #expect(try await prompt.waitFor("acct [\u{1B}[31mproduction\u{1B}[0m live]> "), "\(prompt.output)")
        prompt.send("delete request\r")
        #expect(try await prompt.waitFor("Type yes to continue:"))
        prompt.send("no\r")
        #expect(try await prompt.waitFor("Nothing was done."))
        prompt.send("exit\r")
        _ = try await prompt.wait()
        #expect(try await setup.posts().isEmpty)

        let plain = try PseudoTerminal(Acct.binary, ["--server", "live", "--token", setup.token, "shell"],
                                       environment: setup.acct.environment)
        #expect(try await plain.waitFor("acct [production live]> "))
        plain.send("exit\r")
        _ = try await plain.wait()
        #expect(!plain.output.contains("\u{1B}[31m"))
    }

    @Test("a malformed servers.json names the server and the key, in English and Turkish; exit 2, nothing sent")
    func malformed() async throws {
        let setup = try await Setup(servers: """
            {"servers": {"live": {"backend": "allmine", "url": "ftp://example.com", "environment": "production"}}}
            """)
        let path = setup.acct.home.file("config/acct/servers.json")
        var result = try await setup.acct("--server", "live", "--token", setup.token, "delete", "request", "--yes")
        #expect(result.status == 2)
        #expect(result.errorOutput == path + ": server \"live\", key \"url\" is missing, unknown or not valid"
                + " (backend: allmine, mudbase, ovok; url: http:// or https://; environment: production or development)."
                + " Nothing was sent.\n")
        try setup.write(#"{"servers": {"live": {"backend": "allmine", "url": "https://a.example", "environment": "prod"}}}"#,
                        to: "config/acct/servers.json")
        result = try await setup.acct("--lang", "tr", "servers")
        #expect(result.status == 2)
        #expect(result.errorOutput.hasPrefix(path + ": \"live\" sunucusu, \"environment\" anahtarı eksik"), "\(result.errorOutput)")
        try setup.write(#"{"servers": {"live": "#, to: "config/acct/servers.json")
        result = try await setup.acct("servers")
        #expect(result.status == 2)
        #expect(result.errorOutput == path + " is not valid JSON. Nothing was sent.\n")
        #expect(try await setup.posts().isEmpty)
    }
}
