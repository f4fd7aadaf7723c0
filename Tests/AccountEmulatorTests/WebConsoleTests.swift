import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// The web console's files as a browser gets them, and the control calls it
/// reads; the page itself runs in a browser in `ConsoleBrowserTests`.
@Suite("Emulator: the web console")
struct WebConsoleTests {
    static let policy = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    static let deletion = "/api/v1/users/me/account-deletion"

    @Test("the page, its script, style and icon: our own origin only, nothing inline, the script in strict mode")
    func files() async throws {
        let harness = try Harness()
        #expect(harness.emulator.consoleURL == harness.emulator.baseURL + "/__emulator/console")
        let page = try await harness.curl("GET", "/__emulator/console")
        let script = try await harness.curl("GET", "/__emulator/console/console.js")
        let style = try await harness.curl("GET", "/__emulator/console/console.css")
        let icon = try await harness.curl("GET", "/__emulator/console/icon.svg")
        for (reply, type) in [(page, "text/html"), (script, "text/javascript"), (style, "text/css"), (icon, "image/svg+xml")] {
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == type + "; charset=utf-8")
            #expect(reply.header("Content-Security-Policy") == Self.policy)
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
            #expect(reply.header("Cache-Control") == "no-store")
        }
        #expect(script.text.hasPrefix("\"use strict\";\n"))
        // Nothing from elsewhere: no address in the page, the script or the style.
        for text in [page.text, script.text, style.text] {
            #expect(!text.contains("http:") && !text.contains("https:") && !text.contains("url("))
        }
        // Nothing inline the policy would have to allow: every script is a
        // file or a JSON data block, no style element or attribute, no handler.
        let html = page.text
        let scripts = html.components(separatedBy: "<script").dropFirst()
        #expect(scripts.count == 2)
        #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/__emulator/console/console.js\"") || $0.hasPrefix(" type=\"application/json\"") })
        #expect(!html.contains("<style") && !html.contains(" style=") && !html.contains(" onclick=") && !html.contains(" onsubmit="))
        // Every fault mode can be chosen.
        for mode in ["serverError", "badGateway", "rateLimited", "unavailable", "closeBeforeAnswer", "applyThenClose",
                     "delay", "allmineWithoutEnvelope", "ovokScheduledEmptyObject", "status", "notJSON", "wrongFieldType",
                     "redirect"] {
            #expect(html.contains("<option value=\"\(mode)\">"), "\(mode)")
        }
    }

    @Test("English or Turkish: ?lang first, then Accept-Language by weight, else English",
          arguments: [("", nil, "en"), ("?lang=tr", nil, "tr"), ("", "tr-TR,tr;q=0.9,en;q=0.8", "tr"),
                      ("", "de-DE, en;q=0.5, tr;q=0.8", "tr"), ("", "en-US,tr;q=0.9", "en"), ("?lang=en", "tr", "en"),
                      ("?lang=de", "tr", "tr"), ("", "tr;q=0, de", "en")])
    func language(query: String, accept: String?, expected: String) async throws {
        let harness = try Harness()
        let page = try await harness.curl("GET", "/__emulator/console" + query,
                                          headers: accept.map { ["Accept-Language": $0] } ?? [:])
        #expect(page.status == 200)
        #expect(page.text.contains("<html lang=\"\(expected)\">"))
        #expect(page.text.contains(expected == "tr" ? "<title>AccountCore emülatörü</title>" : "<title>AccountCore emulator</title>"))
    }

    @Test("only GET, only its own files, and only with the control API on")
    func refusals() async throws {
        let harness = try Harness()
        let post = try await harness.curl("POST", "/__emulator/console", headers: ["Accept-Language": "tr"])
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        #expect(post.text == "Konsol yalnızca GET isteklerini yanıtlar.\n")
        let missing = try await harness.curl("GET", "/__emulator/console/other.js")
        #expect(missing.status == 404)
        #expect(missing.text == "The console has no /other.js.\n")
        // The back ends never saw any of it.
        #expect(try await harness.requests().isEmpty)

        let emulator = try Emulator()
        defer { emulator.stop() }
        #expect(emulator.consoleURL == nil)
        let off = try await TestSupport.execute("curl", ["-sS", "-i", emulator.baseURL + "/__emulator/console"])
        #expect(off.output.hasPrefix("HTTP/1.1 404"))
    }

    @Test("a control call from a page of another origin is refused; from the emulator's own, done")
    func otherOrigin() async throws {
        let harness = try Harness()
        let fault = #"{"method": "GET", "path": "/api/v1/users/me", "mode": "serverError"}"#
        let foreign = try await harness.curl("POST", "/__emulator/faults", headers: ["Origin": "http://evil.example"], body: fault)
        #expect(foreign.status == 403)
        #expect(try await harness.control("GET", "faults")["faults"] == [])
        let host = String(harness.emulator.baseURL.dropFirst("http://".count))
        let own = try await harness.curl("POST", "/__emulator/faults", headers: ["Origin": "http://" + host], body: fault)
        #expect(own.status == 201)
        #expect(try await harness.control("GET", "faults")["faults"]?.arrayValue?.count == 1)
    }

    @Test("the request log: latency, the Idempotency-Key, replayed, a dropped answer, the token's last four, after SEQ")
    func requestLog() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let key = ["Idempotency-Key": "6a1f3c2e-0000-4000-8000-00000000000a"]
        try await harness.inject("applyThenClose", "POST", Self.deletion)
        #expect(try await harness.curl("POST", Self.deletion, token: token, headers: key).curlExit != 0)
        #expect(try await harness.curl("POST", Self.deletion, token: token, headers: key).status == 200)
        let log = try await harness.requests()
        #expect(log.count == 2)
        #expect(log.map { $0["status"] } == [.null, 200])
        #expect(log.map { $0["replayed"] } == [false, true])
        #expect(log.allSatisfy { $0["idempotencyKey"] == "6a1f3c2e-0000-4000-8000-00000000000a" })
        #expect(log.allSatisfy { ($0["latencyMs"].flatMap(Self.number) ?? -1) >= 0 })
        #expect(log.allSatisfy { $0["headers"]?.arrayValue?.contains(["Authorization", .string("Bearer …" + token.suffix(4))]) == true })
        #expect(!String(decoding: JSONValue.array(log).encoded, as: UTF8.self).contains(token))
        let first = try #require(log.first?["seq"]?.integerValue)
        let after = try await harness.control("GET", "requests?after=\(first)")["requests"]?.arrayValue ?? []
        #expect(after.map { $0["seq"] } == [.integer(first + 1)])
        let mutations = try await harness.control("GET", "mutations?after=1")["mutations"]?.arrayValue
        #expect(mutations == [])
        #expect(try await harness.curl("GET", "/__emulator/requests?after=-1").status == 400)
        // A credential too short to hide most of it is not shown at all.
        _ = try await harness.curl("GET", "/api/v1/users/me", token: "short-token")
        #expect(try await harness.requests().last?["headers"]?.arrayValue?.contains(["Authorization", "Bearer [redacted]"]) == true)
    }

    @Test("every account with its days left, whether a cancel is in time, and when a rename is allowed again")
    func users() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        #expect(try await harness.curl("POST", Self.deletion, token: token).status == 200)
        try await harness.advance(days: 3)
        var answer = try await harness.control("GET", "users")
        #expect(answer["now"] == .string(ISO8601.format(start.adding(seconds: 3 * 86_400))))
        let users = try #require(answer["users"]?.arrayValue)
        #expect(users.map { $0["backend"] } == ["allmine", "mudbase", "ovok"])
        let demo = try #require(users.first)
        #expect(demo["daysLeft"] == 25)
        #expect(demo["canCancel"] == true)
        #expect(demo["deletion"]?["status"] == "pending")
        #expect(demo["deletion"]?["isLocked"] == true)
        #expect(users.dropFirst().allSatisfy { $0["daysLeft"] == .null && $0["canCancel"] == false })

        #expect(try await harness.curl("DELETE", Self.deletion, token: token).status == 200)
        #expect(try await harness.curl("PATCH", "/api/v1/users/username", token: token,
                                       body: #"{"newUsername": "renamed_user"}"#).status == 200)
        answer = try await harness.control("GET", "users")
        let renamed = try #require(answer["users"]?.arrayValue?.first)
        #expect(renamed["username"] == "renamed_user")
        #expect(renamed["daysLeft"] == .null)
        #expect(renamed["nextRenameAllowedAt"] == .string(ISO8601.format(start.adding(seconds: 33 * 86_400))))
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .number(let number): number
        default: nil
        }
    }
}
