import AccountCore
import Allmine
import Testing

/// Allmine's plugin on canned bytes: the requests it builds against
/// contract.md's Allmine table, and the seeds' answers (000, 001, 002) read.
@Suite("Plugins: Allmine on canned bytes")
struct AllminePluginTests {
    let backend = AllmineBackend()
    static let configured = ClientConfiguration(baseURL: "https://api.allmine.example", language: .turkish,
                                                timezone: UTCOffset("UTC+03:00") ?? .utc, platform: .mobileIOS,
                                                appVersion: "2.4.1", deviceID: "device-7")
    static let deletionPath = "/api/v1/users/me/account-deletion"

    @Test("name and capabilities: 28 days' grace, cancel through the API, finalize now, rename, no erase")
    func nameAndCapabilities() {
        #expect(backend.name == "allmine")
        let capabilities = backend.capabilities
        #expect(capabilities.gracePeriodDays == 28)
        #expect(capabilities.cancellation == .api)
        #expect(capabilities.finalizeNow && capabilities.rename && capabilities.locksAccount)
        #expect(!capabilities.erase && !capabilities.wipe && capabilities.customDays == nil)
    }

    @Test("each operation's method, path, headers and body bytes, as the contract's table has them")
    func requests() throws {
        let context = PluginBytes.context(Self.configured)
        let expected: [(BackendOperation, String, String, String?)] = [
            (.profile, "GET", "/api/v1/users/me", nil),
            (.stats, "GET", "/api/v1/users/me/stats", nil),
            (.deletionStatus, "GET", Self.deletionPath, nil),
            (.requestDeletion(reason: "moving on \"now\"", days: 9, wipe: true), "POST", Self.deletionPath,
             #"{"reason":"moving on \"now\""}"#),
            (.requestDeletion(reason: nil, days: nil, wipe: nil), "POST", Self.deletionPath, "{}"),
            (.cancelDeletion(credentials: nil), "DELETE", Self.deletionPath, nil),
            (.finalizeDeletion, "POST", Self.deletionPath + "/finalize-now", nil),
            (.changeUsername("new_name"), "PATCH", "/api/v1/users/username",
             #"{"newUsername":"new_name"}"#),
        ]
        for (operation, method, path, body) in expected {
            let request = try backend.request(for: operation, context: context)
            #expect(request.method == method, "\(operation)")
            #expect(request.path == path, "\(operation)")
            #expect(PluginBytes.body(request) == body, "\(operation)")
            #expect(request.authenticated, "\(operation)")
            #expect(request.headers == ["X-Language": "tr", "X-Timezone": "UTC+03:00", "X-Platform": "mobile_ios",
                                        "X-App-Version": "2.4.1", "X-Device-ID": "device-7"], "\(operation)")
        }
        // The defaults: language and platform always, nothing optional invented.
        let plain = try backend.request(for: .profile, context: PluginBytes.context())
        #expect(plain.headers == ["X-Language": "en", "X-Timezone": "UTC+00:00", "X-Platform": "web"])
        // Erasure is Mudbase's: refused before anything is built.
        #expect(PluginBytes.failure { () throws(AccountError) in
            try backend.request(for: .erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil), context: context)
        }?.reason == .unsupported)
    }

    @Test("the seeds' success answers, enveloped and bare, read into values")
    func successes() throws {
        let context = PluginBytes.context()
        // 000: the deletion status object, bare as the seed shows it.
        let status = """
            {"status": "pending", "requestedAt": "2026-04-03T12:00:00.000Z",
             "scheduledFor": "2026-05-01T12:00:00.000Z", "canCancelUntil": "2026-05-01T12:00:00.000Z",
             "remainingDays": 28, "isLocked": true}
            """
        let pending = DeletionStatus(state: .pending, requestedAt: try PluginBytes.instant("2026-04-03T12:00:00.000Z"),
                                     scheduledFor: try PluginBytes.instant("2026-05-01T12:00:00.000Z"),
                                     canCancelUntil: try PluginBytes.instant("2026-05-01T12:00:00.000Z"),
                                     isLocked: true, cancellation: .api)
        for operation: BackendOperation in [.deletionStatus, .requestDeletion(reason: nil, days: nil, wipe: nil),
                                            .cancelDeletion(credentials: nil)] {
            #expect(try backend.decodeSuccess(PluginBytes.response(200, status), for: operation, context: context)
                    == BackendOutcome(deletion: pending))
            // The same object in the envelope reads the same.
            let enveloped = #"{"isSuccess": true, "statusCode": 200, "data": "# + status
                + #", "errors": [], "timestamp": "2026-05-22T16:11:26.808Z"}"#
            #expect(try backend.decodeSuccess(PluginBytes.response(200, enveloped), for: operation, context: context)
                    == BackendOutcome(deletion: pending))
        }
        let none = #"{"status": "none", "requestedAt": null, "scheduledFor": null, "canCancelUntil": null, "remainingDays": null, "isLocked": false}"#
        #expect(try backend.decodeSuccess(PluginBytes.response(200, none), for: .deletionStatus, context: context)
                == BackendOutcome(deletion: DeletionStatus(state: .none, isLocked: false, cancellation: .api)))

        // 001: finalize-now, bare.
        let finalized = #"{"userId": "507f1f77bcf86cd799439011", "status": "finalized", "finalizedAt": "2026-04-07T10:30:00.000Z"}"#
        #expect(try backend.decodeSuccess(PluginBytes.response(200, finalized), for: .finalizeDeletion, context: context)
                == BackendOutcome(deletion: DeletionStatus(state: .finalized,
                                                           finalizedAt: try PluginBytes.instant("2026-04-07T10:30:00.000Z")),
                                  userID: "507f1f77bcf86cd799439011"))

        // 002: the username change, in the envelope.
        let renamed = """
            {"isSuccess": true, "statusCode": 200, "data": {"success": true, "oldUsername": "old_username",
             "newUsername": "new_username123", "nextChangeAllowedAt": "2024-02-15T00:00:00.000Z"},
             "errors": [], "timestamp": "2026-05-22T16:11:26.808Z"}
            """
        let change = try backend.decodeSuccess(PluginBytes.response(200, renamed),
                                               for: .changeUsername("new_username123"),
                                               context: context)
        #expect(change == BackendOutcome(usernameChange: UsernameChange(
            oldUsername: "old_username", newUsername: "new_username123",
            nextChangeAllowedAt: try PluginBytes.instant("2024-02-15T00:00:00.000Z"))))
        #expect(backend.serverTime(in: PluginBytes.response(200, renamed))
                == (try PluginBytes.instant("2026-05-22T16:11:26.808Z")))

        // The profile and the stats, as the contract's table has them.
        let profile = #"{"id": "u1", "username": "demo_user", "isLocked": false, "usernameChangedAt": null, "nextUsernameChangeAllowedAt": null}"#
        #expect(try backend.decodeSuccess(PluginBytes.response(200, profile), for: .profile, context: context)
                == BackendOutcome(profile: AccountProfile(id: "u1", username: "demo_user"), userID: "u1"))
        let stats = #"{"followersCount": 128, "followingCount": 64, "liveStreamCount": 3}"#
        #expect(try backend.decodeSuccess(PluginBytes.response(200, stats), for: .stats, context: context)
                == BackendOutcome(stats: AccountStats(followers: 128, following: 64, liveStreams: 3)))
    }

    @Test("the seeds' error envelopes give the server's text and clock; other bodies give none",
          arguments: [(400, "Validation failed"), (401, "Authentication required"), (403, "Insufficient permissions"),
                      (404, "Resource not found"),
                      (409, "Resource already exists or cannot be changed in its current state")])
    func errors(status: Int, text: String) throws {
        let body = #"{"isSuccess": false, "statusCode": \#(status), "data": null, "errors": ["\#(text)"], "timestamp": "2026-01-15T10:30:00.000Z"}"#
        let response = PluginBytes.response(status, body)
        #expect(backend.serverMessage(in: response) == text)
        #expect(backend.serverTime(in: response) == (try PluginBytes.instant("2026-01-15T10:30:00.000Z")))
        // Another back end's shape, an HTML page from a proxy, no body: no text is made up.
        #expect(backend.serverMessage(in: PluginBytes.response(status, #"{"error": "\#(text)"}"#)) == nil)
        #expect(backend.serverMessage(in: PluginBytes.response(status, PluginBytes.proxyPage)) == nil)
        #expect(backend.serverMessage(in: PluginBytes.response(status, "")) == nil)
    }

    @Test("a malformed body, a missing field or an unexpected answer is an unexpected response keeping status and bytes")
    func unreadable() {
        let context = PluginBytes.context()
        let cases: [(BackendOperation, Int, String)] = [
            (.profile, 200, #"{"id": "u1", "username": "#),           // cut off
            (.profile, 200, #"{"username": "demo_user"}"#),           // no id
            (.stats, 200, #"{"followersCount": "many", "followingCount": 1, "liveStreamCount": 0}"#),
            (.deletionStatus, 200, #"{"status": "paused"}"#),          // an unknown state
            (.requestDeletion(reason: nil, days: nil, wipe: nil), 201, #"{"isSuccess": true, "data": {}}"#),
            (.finalizeDeletion, 200, #"{"userId": "u1", "status": "pending"}"#),
            (.changeUsername("new_name"), 200, #"{"success": true}"#),
            (.cancelDeletion(credentials: nil), 502, PluginBytes.proxyPage),  // a proxy's page, an unexpected status
            (.deletionStatus, 204, ""),
        ]
        for (operation, status, body) in cases {
            let error = PluginBytes.failure { () throws(AccountError) in
                try backend.decodeSuccess(PluginBytes.response(status, body), for: operation, context: context)
            }
            #expect(error?.reason == .unexpectedResponse(status: status, bodyPrefix: body), "\(operation) \(body)")
        }
        #expect(PluginBytes.failure { () throws(AccountError) in
            try backend.decodeSuccess(PluginBytes.response(200, "{}"),
                                      for: .erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil), context: context)
        }?.reason == .unsupported)
    }
}

extension Username {
    /// A name known to be valid.
    init(checked name: String) {
        do { self = try Username(validating: name) } catch { preconditionFailure("\(name): \(error)") }
    }
}
