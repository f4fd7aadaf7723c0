import AccountCore
import Mudbase
import Testing

/// Mudbase's plugin on canned bytes: the erase request against contract.md's
/// Mudbase table and seed 003, and the seed's answer and error shape read.
@Suite("Plugins: Mudbase on canned bytes")
struct MudbasePluginTests {
    let backend = MudbaseBackend()

    @Test("name and capabilities: erase only, 7 days, not cancellable")
    func nameAndCapabilities() {
        #expect(backend.name == "mudbase")
        let capabilities = backend.capabilities
        #expect(capabilities.erase && capabilities.locksAccount)
        #expect(capabilities.gracePeriodDays == 7)
        #expect(capabilities.cancellation == .notCancellable)
        #expect(!capabilities.requestDeletion && !capabilities.profile && !capabilities.rename && !capabilities.finalizeNow)
    }

    @Test("erase: POST /api/users/me/erase with the seed's body bytes, no extra headers, authenticated")
    func request() throws {
        let context = PluginBytes.context()
        let request = try backend.request(for: .erase(confirmation: "DELETE_MY_ACCOUNT", reason: "No longer need the service"),
                                          context: context)
        #expect(request.method == "POST")
        #expect(request.path == "/api/users/me/erase")
        #expect(request.headers.isEmpty)
        #expect(request.authenticated)
        #expect(PluginBytes.body(request) == #"{"confirmation":"DELETE_MY_ACCOUNT","reason":"No longer need the service"}"#)
        // `reason` is optional: left out, not null.
        let bare = try backend.request(for: .erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil), context: context)
        #expect(PluginBytes.body(bare) == #"{"confirmation":"DELETE_MY_ACCOUNT"}"#)
        // Every other operation is refused before anything is built.
        for operation: BackendOperation in [.profile, .stats, .deletionStatus, .finalizeDeletion,
                                            .requestDeletion(reason: nil, days: nil, wipe: nil),
                                            .cancelDeletion(credentials: nil)] {
            #expect(PluginBytes.failure { () throws(AccountError) in
                try backend.request(for: operation, context: context)
            }?.reason == .unsupported, "\(operation)")
        }
    }

    @Test("an API key (mb_...) never goes to erase; the user's session does")
    func apiKeyRefused() {
        let erase = BackendOperation.erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil)
        #expect(!backend.accepts(token: "mb_live_123", for: erase))
        #expect(backend.accepts(token: "eyJhbGciOiJIUzI1NiJ9.e30.sig", for: erase))
    }

    @Test("the seed's success answer reads into a pending, locked erasure with its details")
    func success() throws {
        let body = """
            {"message": "Account erasure initiated", "details": {"dataAnonymized": true, "apiKeysDeactivated": true,
             "sessionsDeleted": true, "accountDisabled": true, "scheduledForDeletion": "2024-12-23T10:00:00Z"}}
            """
        let erase = BackendOperation.erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil)
        let outcome = try backend.decodeSuccess(PluginBytes.response(200, body), for: erase, context: PluginBytes.context())
        #expect(outcome == BackendOutcome(
            deletion: DeletionStatus(state: .pending, requestedAt: PluginBytes.now,
                                     scheduledFor: try PluginBytes.instant("2024-12-23T10:00:00Z"), isLocked: true,
                                     cancellation: .notCancellable),
            erasure: ErasureDetails(dataAnonymized: true, apiKeysDeactivated: true, sessionsDeleted: true,
                                    accountDisabled: true)))
        // Without details: scheduled 7 days from our clock, no details made up.
        let bare = try backend.decodeSuccess(PluginBytes.response(200, #"{"message": "Account erasure initiated"}"#),
                                             for: erase, context: PluginBytes.context())
        #expect(bare.deletion?.scheduledFor == PluginBytes.now.adding(seconds: 7 * 86_400))
        #expect(bare.erasure == nil)
    }

    @Test("the error shape gives the server's text; another shape gives none")
    func errors() {
        let refused = PluginBytes.response(400, #"{"error": "Invalid confirmation", "statusCode": 400}"#)
        #expect(backend.serverMessage(in: refused) == "Invalid confirmation")
        #expect(backend.serverMessage(in: PluginBytes.response(401, #"{"message": "Unauthorized"}"#)) == nil)
        #expect(backend.serverMessage(in: PluginBytes.response(502, PluginBytes.proxyPage)) == nil)
        #expect(backend.serverTime(in: refused) == nil)
    }

    @Test("a malformed body, details of a wrong type, or a proxy's page is an unexpected response keeping status and bytes")
    func unreadable() {
        let erase = BackendOperation.erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil)
        for (status, body) in [(200, #"{"message": "Account erasure"#), (200, #"["Account erasure initiated"]"#),
                               (200, #"{"message": "ok", "details": "done"}"#), (202, ""),
                               (503, PluginBytes.proxyPage)] {
            let error = PluginBytes.failure { () throws(AccountError) in
                try backend.decodeSuccess(PluginBytes.response(status, body), for: erase, context: PluginBytes.context())
            }
            #expect(error?.reason == .unexpectedResponse(status: status, bodyPrefix: body), "\(body)")
        }
    }
}
