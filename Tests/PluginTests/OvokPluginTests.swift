import AccountCore
import Ovok
import Testing

/// Ovok's plugin on canned bytes: the deletion and the login that cancels
/// it, against contract.md's Ovok table and seed 004, and their answers read.
@Suite("Plugins: Ovok on canned bytes")
struct OvokPluginTests {
    let backend = OvokBackend()
    static let credentials = LoginCredentials(email: "max.mustermann@example.com", password: "demo-password")

    @Test("name and capabilities: 1 to 365 days, default 30, wipe, cancelled by logging in")
    func nameAndCapabilities() {
        #expect(backend.name == "ovok")
        let capabilities = backend.capabilities
        #expect(capabilities.requestDeletion && capabilities.wipe)
        #expect(capabilities.customDays == 1...365)
        #expect(capabilities.gracePeriodDays == 30)
        #expect(capabilities.cancellation == .login)
        #expect(!capabilities.erase && !capabilities.profile && !capabilities.finalizeNow)
    }

    @Test("DELETE /auth/delete with days and wipe; POST /auth/login unauthenticated with the credentials")
    func requests() throws {
        let context = PluginBytes.context()
        let delete = try backend.request(for: .requestDeletion(reason: "ignored", days: 90, wipe: true), context: context)
        #expect(delete.method == "DELETE")
        #expect(delete.path == "/auth/delete")
        #expect(delete.headers.isEmpty)
        #expect(delete.authenticated)
        #expect(PluginBytes.body(delete) == #"{"days":90,"wipe":true}"#)
        // The seed's defaults, sent explicitly.
        let plain = try backend.request(for: .requestDeletion(reason: nil, days: nil, wipe: nil), context: context)
        #expect(PluginBytes.body(plain) == #"{"days":30,"wipe":false}"#)

        let login = try backend.request(for: .cancelDeletion(credentials: Self.credentials), context: context)
        #expect(login.method == "POST")
        #expect(login.path == "/auth/login")
        #expect(!login.authenticated)
        #expect(PluginBytes.body(login) == #"{"email":"max.mustermann@example.com","password":"demo-password"}"#)
        // Cancelling without credentials is the caller's mistake, said before anything is built.
        #expect(PluginBytes.failure { () throws(AccountError) in
            try backend.request(for: .cancelDeletion(credentials: nil), context: context)
        }?.reason == .invalidInput(.credentialsRequired))
        for operation: BackendOperation in [.profile, .stats, .deletionStatus, .finalizeDeletion,
                                            .erase(confirmation: "DELETE_MY_ACCOUNT", reason: nil)] {
            #expect(PluginBytes.failure { () throws(AccountError) in
                try backend.request(for: operation, context: context)
            }?.reason == .unsupported, "\(operation)")
        }
    }

    @Test("the seed's deletion answer ({} for scheduled) reads into a pending deletion and its holder")
    func deletion() throws {
        let body = """
            {"scheduled": {}, "user": {"resourceType": "User", "id": "9f8a2389-a20c-a075-2aa9-e95093515517",
             "firstName": "Max", "lastName": "Mustermann", "email": "max.mustermann@example.com",
             "project": {"reference": "Project/f6f4da8d-93e8-8a08-220e-03b7810451d3", "display": "My Medical Project"},
             "meta": {"versionId": "87ea5dfc-8b8e-384d-8489-79496e706390", "lastUpdated": {}}}}
            """
        let operation = BackendOperation.requestDeletion(reason: nil, days: 30, wipe: true)
        let outcome = try backend.decodeSuccess(PluginBytes.response(200, body), for: operation, context: PluginBytes.context())
        let scheduled = PluginBytes.now.adding(seconds: 30 * 86_400)
        let holder = AccountHolder(id: "9f8a2389-a20c-a075-2aa9-e95093515517", firstName: "Max", lastName: "Mustermann",
                                   email: "max.mustermann@example.com",
                                   project: AccountHolder.Project(reference: "Project/f6f4da8d-93e8-8a08-220e-03b7810451d3",
                                                                  display: "My Medical Project"))
        #expect(outcome == BackendOutcome(
            deletion: DeletionStatus(state: .pending, requestedAt: PluginBytes.now, scheduledFor: scheduled,
                                     canCancelUntil: scheduled, cancellation: .login, wipesData: true),
            profile: AccountProfile(id: holder.id, displayName: "Max Mustermann", email: "max.mustermann@example.com"),
            userID: holder.id, holder: holder))
        // `scheduled` as an instant is taken; as a boolean, our clock plus days.
        let instant = try backend.decodeSuccess(PluginBytes.response(200, #"{"scheduled": "2026-05-03T12:00:00.000Z"}"#),
                                                for: operation, context: PluginBytes.context())
        #expect(instant.deletion?.scheduledFor == (try PluginBytes.instant("2026-05-03T12:00:00.000Z")))
        #expect(instant.userID == nil)
        let flag = try backend.decodeSuccess(PluginBytes.response(200, #"{"scheduled": true}"#),
                                             for: .requestDeletion(reason: nil, days: nil, wipe: nil),
                                             context: PluginBytes.context())
        #expect(flag.deletion?.scheduledFor == scheduled)
        #expect(flag.deletion?.wipesData == false)
    }

    @Test("the login's answer: a fresh token, and cancelled only when the server says the deletion was aborted")
    func login() throws {
        let operation = BackendOperation.cancelDeletion(credentials: Self.credentials)
        let aborted = try backend.decodeSuccess(
            PluginBytes.response(200, #"{"accessToken": "fresh-token", "expiresIn": 3600, "deletionAborted": true}"#),
            for: operation, context: PluginBytes.context())
        #expect(aborted == BackendOutcome(deletion: DeletionStatus(state: .cancelled, cancellation: .login),
                                          freshToken: "fresh-token"))
        let nothing = try backend.decodeSuccess(
            PluginBytes.response(200, #"{"accessToken": "fresh-token", "expiresIn": 3600, "deletionAborted": false}"#),
            for: operation, context: PluginBytes.context())
        #expect(nothing == BackendOutcome(deletion: DeletionStatus.none, freshToken: "fresh-token"))
    }

    @Test("the error shape gives the server's text; another shape gives none")
    func errors() {
        let refused = PluginBytes.response(422, #"{"statusCode": 422, "message": "days must be between 1 and 365"}"#)
        #expect(backend.serverMessage(in: refused) == "days must be between 1 and 365")
        #expect(backend.serverMessage(in: PluginBytes.response(401, #"{"error": "Unauthorized"}"#)) == nil)
        #expect(backend.serverMessage(in: PluginBytes.response(502, PluginBytes.proxyPage)) == nil)
    }

    @Test("a malformed body, a wrong type or a proxy's page is an unexpected response keeping status and bytes")
    func unreadable() {
        let delete = BackendOperation.requestDeletion(reason: nil, days: nil, wipe: nil)
        let login = BackendOperation.cancelDeletion(credentials: Self.credentials)
        let cases: [(BackendOperation, Int, String)] = [
            (delete, 200, #"{"scheduled": "#),                       // cut off
            (delete, 200, #"{"scheduled": "next month"}"#),           // not an instant
            (delete, 200, #"{"scheduled": 30}"#),                     // a number
            (delete, 200, "[]"),
            (login, 200, #"{"expiresIn": 3600, "deletionAborted": true}"#),  // no token
            (login, 200, #"{"accessToken": 7}"#),
            (login, 504, PluginBytes.proxyPage),                        // an unexpected status, a proxy's page
        ]
        for (operation, status, body) in cases {
            let error = PluginBytes.failure { () throws(AccountError) in
                try backend.decodeSuccess(PluginBytes.response(status, body), for: operation, context: PluginBytes.context())
            }
            #expect(error?.reason == .unexpectedResponse(status: status, bodyPrefix: body), "\(body)")
        }
    }
}
