import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

@Suite("Emulator: idempotency")
struct IdempotencyTests {
    static let deletion = "/api/v1/users/me/account-deletion"

    @Test("the same key replays the first answer and applies the mutation once, for 24 hours")
    func replay() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let key = ["Idempotency-Key": "5f0c6a1e-0000-4000-8000-000000000001"]
        let first = try await harness.curl("POST", Self.deletion, token: token, headers: key)
        try await harness.advance(days: 0.5)
        let second = try await harness.curl("POST", Self.deletion, token: token, headers: key)
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(second.body == first.body)
        #expect(second.header("Idempotent-Replayed") == "true")
        #expect(first.header("Idempotent-Replayed") == nil)
        #expect(try await harness.mutations().map { $0["action"] } == ["requestDeletion"])
        #expect(try await harness.mutations().first?["idempotencyKey"] == "5f0c6a1e-0000-4000-8000-000000000001")

        // Another key is another request: already pending.
        let other = try await harness.curl("POST", Self.deletion, token: token,
                                     headers: ["Idempotency-Key": "5f0c6a1e-0000-4000-8000-000000000002"])
        #expect(other.status == 409)
        // Past 24 hours the key is forgotten.
        try await harness.advance(days: 0.5)
        #expect(try await harness.curl("POST", Self.deletion, token: token, headers: key).status == 409)
        #expect(try await harness.mutations().count == 1)
    }

    @Test("a key is scoped to its user and path, and a refusal is replayed too")
    func scope() async throws {
        let harness = try Harness()
        let key = ["Idempotency-Key": "same-key"]
        let allmine = try harness.token(.allmine)
        let created = try await harness.control("POST", "users", ["backend": "allmine", "username": "second_user"])
        let second = try #require(created["token"]?.stringValue)
        #expect(try await harness.curl("POST", Self.deletion, token: allmine, headers: key).status == 200)
        #expect(try await harness.curl("POST", Self.deletion, token: second, headers: key).status == 200)
        // Same user, same key, other path: applied on its own.
        #expect(try await harness.curl("DELETE", Self.deletion, token: allmine, headers: key).status == 200)
        #expect(try await harness.mutations().count == 3)
        // A refusal (nothing pending) replays as the same refusal.
        let key2 = ["Idempotency-Key": "k2"]
        let refused = try await harness.curl("DELETE", Self.deletion, token: second, headers: key2)
        #expect(refused.status == 200)
        #expect(try await harness.curl("DELETE", Self.deletion, token: second, headers: key2).body == refused.body)
    }
}

@Suite("Emulator: faults")
struct FaultTests {
    static let deletion = "/api/v1/users/me/account-deletion"

    @Test("500 for the next N matching requests, in the back end's error shape")
    func serverError() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        try await harness.inject("serverError", "GET", Self.deletion, count: 2)
        await expectEnvelopeError(try harness.curl("GET", Self.deletion, token: token), 500, "Internal server error")
        // Another method or path is not affected.
        #expect(try await harness.curl("GET", "/api/v1/users/me", token: token).status == 200)
        await expectEnvelopeError(try harness.curl("GET", Self.deletion, token: token), 500, "Internal server error")
        #expect(try await harness.curl("GET", Self.deletion, token: token).status == 200)
        try await harness.inject("serverError", "DELETE", "/auth/delete")
        #expect(try await harness.curl("DELETE", "/auth/delete", token: try harness.token(.ovok)).json
                == ["statusCode": 500, "message": "Internal server error"])
        try await harness.inject("serverError", "POST", "/api/users/me/erase")
        #expect(try await harness.curl("POST", "/api/users/me/erase").json == ["error": "Internal server error", "statusCode": 500])
    }

    @Test("502 with an HTML body, as a proxy sends it")
    func badGateway() async throws {
        let harness = try Harness()
        try await harness.inject("badGateway", "GET", Self.deletion)
        let reply = try await harness.curl("GET", Self.deletion, token: try harness.token(.allmine))
        #expect(reply.status == 502)
        #expect(reply.header("Content-Type") == "text/html")
        #expect(reply.text.hasPrefix("<html>"))
        #expect(reply.json == nil)
    }

    @Test("429 and 503 carry Retry-After")
    func retryAfter() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        try await harness.inject("rateLimited", "POST", Self.deletion, retryAfter: 7)
        let limited = try await harness.curl("POST", Self.deletion, token: token)
        expectEnvelopeError(limited, 429, "Too many requests")
        #expect(limited.header("Retry-After") == "7")
        try await harness.inject("unavailable", "POST", Self.deletion, retryAfter: 2)
        let unavailable = try await harness.curl("POST", Self.deletion, token: token, headers: ["X-Language": "tr"])
        expectEnvelopeError(unavailable, 503, "Hizmet şu anda kullanılamıyor")
        #expect(unavailable.header("Retry-After") == "2")
        #expect(try await harness.mutations().isEmpty)
    }

    @Test("close before answering: no answer, nothing applied")
    func closeBeforeAnswer() async throws {
        let harness = try Harness()
        try await harness.inject("closeBeforeAnswer", "POST", Self.deletion)
        let reply = try await harness.curl("POST", Self.deletion, token: try harness.token(.allmine))
        #expect(reply.curlExit == 52) // "Empty reply from server"
        #expect(try await harness.mutations().isEmpty)
    }

    @Test("apply then close: no answer, but the mutation is applied, and a resend with its key replays")
    func applyThenClose() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let key = ["Idempotency-Key": "lost-answer"]
        try await harness.inject("applyThenClose", "POST", Self.deletion)
        #expect(try await harness.curl("POST", Self.deletion, token: token, headers: key).curlExit == 52)
        #expect(try await harness.mutations().count == 1)
        let resent = try await harness.curl("POST", Self.deletion, token: token, headers: key)
        #expect(resent.status == 200)
        #expect(resent.header("Idempotent-Replayed") == "true")
        #expect(try await harness.mutations().count == 1)
    }

    @Test("delay: the answer comes late (a client with a shorter timeout gives up)")
    func delay() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        try await harness.inject("delay", "GET", Self.deletion, delayMs: 1_500)
        let impatient = try await harness.curl("GET", Self.deletion, token: token, extra: ["--max-time", "0.3"])
        #expect(impatient.curlExit == 28) // "Operation timed out"
        #expect(try await harness.curl("GET", Self.deletion, token: token).status == 200)
    }

    @Test("Allmine without the envelope, and Ovok's scheduled as {}")
    func tolerantReadingShapes() async throws {
        let harness = try Harness()
        try await harness.inject("allmineWithoutEnvelope", "POST", Self.deletion)
        let bare = try await harness.curl("POST", Self.deletion, token: try harness.token(.allmine))
        #expect(bare.json?["isSuccess"] == nil)
        #expect(bare.json?["status"] == "pending")
        #expect(bare.json?["remainingDays"] == 28)
        try await harness.inject("ovokScheduledEmptyObject", "DELETE", "/auth/delete")
        let ovok = try await harness.curl("DELETE", "/auth/delete", token: try harness.token(.ovok))
        #expect(ovok.json?["scheduled"] == [:])
        #expect(ovok.json?["user"]?["id"] == "9f8a2389-a20c-a075-2aa9-e95093515517")
    }

    @Test("a bad fault is refused with the list of modes")
    func badFault() async throws {
        let harness = try Harness()
        let reply = try await harness.curl("POST", "/__emulator/faults", body: #"{"method":"GET","path":"/x","mode":"explode"}"#)
        #expect(reply.status == 400)
        #expect(reply.json?["error"]?.stringValue?.contains("applyThenClose") == true)
    }
}

@Suite("Emulator: lifecycle and logs")
struct EmulatorLifecycleTests {
    @Test("the request log keeps headers, redacts credentials, and shows one connection for a kept-alive burst")
    func requestLog() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let url = harness.emulator.baseURL + "/api/v1/users/me"
        let result = try await TestSupport.execute("curl", ["-sS", "-H", "Authorization: Bearer \(token)", "-H", "X-Platform: mobile_ios",
                                                      url, url, url])
        #expect(result.status == 0)
        let log = try await harness.requests()
        #expect(log.count == 3)
        #expect(Set(log.compactMap { $0["connectionId"] }).count == 1)
        let headers = try #require(log.first?["headers"]?.arrayValue)
        #expect(headers.contains(["X-Platform", "mobile_ios"]))
        #expect(headers.contains(["Authorization", .string("Bearer …" + token.suffix(4))]))
        #expect(!String(decoding: JSONValue.array(log).encoded, as: UTF8.self).contains(token))
        #expect(log.allSatisfy { $0["status"] == 200 && $0["method"] == "GET" })
        try await harness.control("DELETE", "requests")
        #expect(try await harness.requests().isEmpty)
    }

    @Test("the control API answers only when enabled")
    func controlOff() async throws {
        let emulator = try Emulator()
        defer { emulator.stop() }
        let result = try await TestSupport.execute("curl", ["-sS", "-i", emulator.baseURL + "/__emulator/mutations"])
        #expect(result.output.hasPrefix("HTTP/1.1 404"))
    }

    @Test("a non-loopback address is refused unless asked for")
    func loopbackOnly() {
        #expect(throws: EmulatorError.self) { try Emulator(configuration: .init(host: "0.0.0.0")) }
    }

    @Test("state survives a restart from its file, clock offset included")
    func persistentState() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("emulator.sqlite")
        do {
            let harness = try Harness(statePath: path)
            _ = try await harness.curl("POST", "/api/v1/users/me/account-deletion", token: try harness.token(.allmine))
            try await harness.advance(days: 1)
        }
        let harness = try Harness(statePath: path)
        let status = try await harness.curl("GET", "/api/v1/users/me/account-deletion", token: try harness.token(.allmine))
        #expect(status.data?["status"] == "pending")
        #expect(status.data?["remainingDays"] == 27)
        #expect(try await harness.mutations().count == 1)
        #expect(!(contents(of: path).map { contains($0, "demo-password") } ?? true))
    }

    @Test("a clean stop: then nothing listens")
    func stop() async throws {
        let emulator = try Emulator()
        let url = emulator.baseURL + "/api/v1/users/me"
        #expect(try await TestSupport.execute("curl", ["-sS", url]).status == 0)
        emulator.stop()
        emulator.stop()
        #expect(try await TestSupport.execute("curl", ["-sS", "--max-time", "2", url]).status == 7) // "Couldn't connect"
    }
}
