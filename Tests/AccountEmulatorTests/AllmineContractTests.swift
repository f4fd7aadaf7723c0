import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

@Suite("Emulator: Allmine")
struct AllmineContractTests {
    static let base = "/api/v1/users/me"
    static let deletion = "/api/v1/users/me/account-deletion"

    @Test("profile and stats in the envelope")
    func profileAndStats() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let me = try await harness.curl("GET", Self.base, token: token)
        #expect(me.status == 200)
        #expect(me.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(me.json?["isSuccess"] == true)
        #expect(me.json?["statusCode"] == 200)
        #expect(me.json?["errors"] == [])
        #expect(me.json?["timestamp"] == "2026-04-03T12:00:00.000Z")
        #expect(me.data == ["id": "507f1f77bcf86cd799439011", "username": "demo_user", "isLocked": false,
                            "usernameChangedAt": nil, "nextUsernameChangeAllowedAt": nil])
        let stats = try await harness.curl("GET", Self.base + "/stats", token: token)
        #expect(stats.data == ["followersCount": 128, "followingCount": 64, "liveStreamCount": 3])
    }

    @Test("a missing or unknown token is 401, in English or in Turkish")
    func unauthorized() async throws {
        let harness = try Harness()
        let endpoints = [("GET", Self.base), ("GET", Self.base + "/stats"), ("GET", Self.deletion), ("POST", Self.deletion),
                         ("DELETE", Self.deletion), ("POST", Self.deletion + "/finalize-now"),
                         ("PATCH", "/api/v1/users/username")]
        for (method, path) in endpoints {
            await expectEnvelopeError(try harness.curl(method, path), 401, "Authentication required")
            await expectEnvelopeError(try harness.curl(method, path, token: "not-a-token"), 401, "Authentication required")
        }
        #expect(try await harness.mutations().isEmpty)
        await expectEnvelopeError(try harness.curl("POST", Self.deletion, headers: ["X-Language": "tr"]),
                            401, "Kimlik doğrulaması gerekli")
        await expectEnvelopeError(try harness.curl("PATCH", "/api/v1/users/username", token: "x", body: #"{"newUsername":"abc"}"#),
                            401, "Authentication required")
    }

    @Test("the optional headers are validated against the contract's lists",
          arguments: [("X-Language", "en", true), ("X-Language", "tr", true), ("X-Language", "de", false),
                      ("X-Timezone", "UTC", true), ("X-Timezone", "UTC+05:45", true), ("X-Timezone", "UTC-12:00", true),
                      ("X-Timezone", "UTC+14:00", true), ("X-Timezone", "UTC+05:15", false), ("X-Timezone", "Europe/Istanbul", false),
                      ("X-Platform", "mobile_ios", true), ("X-Platform", "all", true), ("X-Platform", "tv", false),
                      ("X-App-Version", "anything at all 1.2", true), ("X-Device-ID", "dev-42", true)])
    func headerValidation(name: String, value: String, valid: Bool) async throws {
        let harness = try Harness()
        let reply = try await harness.curl("GET", Self.base, token: try harness.token(.allmine), headers: [name: value])
        if valid {
            #expect(reply.status == 200, "\(name): \(value) → \(reply.text)")
        } else {
            expectEnvelopeError(reply, 400, "Validation failed")
        }
    }

    @Test("request: pending for 28 days and locked; a second request is 409")
    func requestDeletion() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let none = try await harness.curl("GET", Self.deletion, token: token)
        #expect(none.data == ["status": "none", "requestedAt": nil, "scheduledFor": nil, "canCancelUntil": nil,
                              "remainingDays": nil, "isLocked": false])
        let requested = try await harness.curl("POST", Self.deletion, token: token, body: #"{"reason":"moving on"}"#)
        #expect(requested.status == 200)
        #expect(requested.data == ["status": "pending", "requestedAt": "2026-04-03T12:00:00.000Z",
                                   "scheduledFor": "2026-05-01T12:00:00.000Z", "canCancelUntil": "2026-05-01T12:00:00.000Z",
                                   "remainingDays": 28, "isLocked": true])
        try await harness.advance(days: 0.5)
        #expect(try await harness.curl("GET", Self.deletion, token: token).data?["remainingDays"] == 28)
        try await harness.advance(days: 0.5)
        #expect(try await harness.curl("GET", Self.deletion, token: token).data?["remainingDays"] == 27)
        #expect(try await harness.curl("GET", Self.base, token: token).data?["isLocked"] == true)
        await expectEnvelopeError(try harness.curl("POST", Self.deletion, token: token), 409,
                            "Resource already exists or cannot be changed in its current state")
        await expectEnvelopeError(try harness.curl("POST", Self.deletion, token: token, headers: ["X-Language": "tr"]), 409,
                            "Kaynak zaten var ya da şu anki durumunda değiştirilemez")
    }

    @Test("the reason: none, 500 characters and null are fine; 501 characters, a number or bad JSON are 400")
    func reason() async throws {
        for (body, status) in [(nil, 200), ("{}", 200), (#"{"reason":null}"#, 200),
                               (#"{"reason":"\#(String(repeating: "ş", count: 500))"}"#, 200),
                               (#"{"reason":"\#(String(repeating: "a", count: 501))"}"#, 400),
                               (#"{"reason":42}"#, 400), ("not json", 400), ("[1]", 400)] as [(String?, Int)] {
            let harness = try Harness()
            let reply = try await harness.curl("POST", Self.deletion, token: try harness.token(.allmine), body: body)
            #expect(reply.status == status, "\(body ?? "no body") → \(reply.text)")
            if status == 400 { expectEnvelopeError(reply, 400, "Validation failed") }
        }
    }

    @Test("cancel: cancelled and unlocked; nothing pending is 404; past canCancelUntil is 409")
    func cancel() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        await expectEnvelopeError(try harness.curl("DELETE", Self.deletion, token: token), 404, "Resource not found")
        _ = try await harness.curl("POST", Self.deletion, token: token)
        let cancelled = try await harness.curl("DELETE", Self.deletion, token: token)
        #expect(cancelled.status == 200)
        #expect(cancelled.data?["status"] == "cancelled")
        #expect(cancelled.data?["isLocked"] == false)
        #expect(try await harness.curl("GET", Self.base, token: token).data?["isLocked"] == false)
        await expectEnvelopeError(try harness.curl("DELETE", Self.deletion, token: token), 404, "Resource not found")

        #expect(try await harness.curl("POST", Self.deletion, token: token).status == 200)
        try await harness.advance(days: 28)
        #expect(try await harness.curl("GET", Self.deletion, token: token).data?["remainingDays"] == 0)
        try await harness.control("POST", "clock", ["advanceSeconds": .number(0.001)])
        await expectEnvelopeError(try harness.curl("DELETE", Self.deletion, token: token), 409,
                            "Resource already exists or cannot be changed in its current state")
        // The deletion job carries the due deletion out; the user is gone.
        #expect(try await harness.control("POST", "deletion-job")["finalized"] == ["507f1f77bcf86cd799439011"])
        await expectEnvelopeError(try harness.curl("GET", Self.base, token: token), 401, "Authentication required")
    }

    @Test("a cancel exactly at canCancelUntil is still in time")
    func cancelAtDeadline() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        _ = try await harness.curl("POST", Self.deletion, token: token)
        try await harness.advance(days: 28)
        #expect(try await harness.curl("DELETE", Self.deletion, token: token).data?["status"] == "cancelled")
    }

    @Test("finalize now: 403 with the flag off, 404 with nothing pending, then the user is gone")
    func finalizeNow() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let path = Self.deletion + "/finalize-now"
        await expectEnvelopeError(try harness.curl("POST", path, token: token), 404, "Resource not found")
        _ = try await harness.curl("POST", Self.deletion, token: token)
        try await harness.control("PUT", "flags", ["finalizeNow": false])
        await expectEnvelopeError(try harness.curl("POST", path, token: token), 403, "Insufficient permissions")
        await expectEnvelopeError(try harness.curl("POST", path, token: token, headers: ["X-Language": "tr"]), 403, "Yetersiz yetki")
        try await harness.control("PUT", "flags", ["finalizeNow": true])
        let finalized = try await harness.curl("POST", path, token: token)
        #expect(finalized.status == 200)
        #expect(finalized.data == ["userId": "507f1f77bcf86cd799439011", "status": "finalized",
                                   "finalizedAt": "2026-04-03T12:00:00.000Z"])
        await expectEnvelopeError(try harness.curl("GET", Self.base, token: token), 401, "Authentication required")
        // Every token of the user is revoked, not only the one used.
        await expectEnvelopeError(try harness.curl("GET", Self.base, token: try harness.token(.allmine)), 401, "Authentication required")
    }

    @Test("rename: folded, once per 30 days; invalid, same, taken or locked are refused")
    func rename() async throws {
        let harness = try Harness()
        let token = try harness.token(.allmine)
        let path = "/api/v1/users/username"
        try await harness.control("POST", "users", ["backend": "allmine", "username": "taken_name"])
        for invalid in ["ab", "1abc", "a..b", "abc.", "İstanbul", "ayşe", "ｆｕｌｌ", "has space"] {
            await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: #"{"newUsername":"\#(invalid)"}"#),
                                400, "Validation failed")
        }
        await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: "{}"), 400, "Validation failed")
        await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: #"{"newUsername":"demo_user"}"#),
                            400, "Validation failed")
        await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: #"{"newUsername":"Taken_Name"}"#),
                            409, "Resource already exists or cannot be changed in its current state")

        let renamed = try await harness.curl("PATCH", path, token: token, body: #"{"newUsername":"New_Name"}"#)
        #expect(renamed.status == 200)
        #expect(renamed.data == ["success": true, "oldUsername": "demo_user", "newUsername": "new_name",
                                 "nextChangeAllowedAt": "2026-05-03T12:00:00.000Z"])
        #expect(try await harness.curl("GET", Self.base, token: token).data?["nextUsernameChangeAllowedAt"] == "2026-05-03T12:00:00.000Z")
        await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: #"{"newUsername":"newer_name"}"#),
                            409, "Resource already exists or cannot be changed in its current state")
        try await harness.advance(days: 30)
        #expect(try await harness.curl("PATCH", path, token: token, body: #"{"newUsername":"newer_name"}"#).status == 200)

        try await harness.advance(days: 30)
        _ = try await harness.curl("POST", Self.deletion, token: token)
        await expectEnvelopeError(try harness.curl("PATCH", path, token: token, body: #"{"newUsername":"locked_name"}"#),
                            409, "Resource already exists or cannot be changed in its current state")
    }
}
