import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

@Suite("Emulator: Mudbase")
struct MudbaseContractTests {
    static let erase = "/api/users/me/erase"

    @Test("erase: initiated with a 7-day schedule, then every session is gone")
    func erase() async throws {
        let harness = try Harness()
        let token = try harness.token(.mudbase)
        let other = try harness.token(.mudbase)
        let reply = try await harness.curl("POST", Self.erase, token: token,
                                     body: #"{"confirmation":"DELETE_MY_ACCOUNT","reason":"No longer need the service"}"#)
        #expect(reply.status == 200)
        #expect(reply.json == ["message": "Account erasure initiated", "details": [
            "dataAnonymized": true, "apiKeysDeactivated": true, "sessionsDeleted": true, "accountDisabled": true,
            "scheduledForDeletion": "2026-04-10T12:00:00Z"]])
        #expect(reply.json?["isSuccess"] == nil)
        let again = try await harness.curl("POST", Self.erase, token: other, body: #"{"confirmation":"DELETE_MY_ACCOUNT"}"#)
        #expect(again.status == 401)
        #expect(again.json == ["error": "Authentication required", "statusCode": 401])
    }

    @Test("the confirmation must be exactly DELETE_MY_ACCOUNT",
          arguments: [nil, "{}", #"{"confirmation":"delete_my_account"}"#, #"{"confirmation":"bandwidth override"}"#,
                      #"{"confirmation":" DELETE_MY_ACCOUNT"}"#, #"{"confirmation":true}"#, "not json"])
    func confirmation(body: String?) async throws {
        let harness = try Harness()
        let reply = try await harness.curl("POST", Self.erase, token: try harness.token(.mudbase), body: body)
        #expect(reply.status == 400)
        #expect(reply.json == ["error": "confirmation must be exactly DELETE_MY_ACCOUNT", "statusCode": 400])
        #expect(try await harness.mutations().isEmpty)
    }

    @Test("an API key, no token or a bad token is 401; in Turkish on request")
    func credentials() async throws {
        let harness = try Harness()
        let body = #"{"confirmation":"DELETE_MY_ACCOUNT"}"#
        let apiKey = try await harness.control("POST", "tokens", ["userId": "usr_morgan_de", "kind": "apiKey"])["token"]?.stringValue
        #expect(apiKey?.hasPrefix("mb_") == true)
        let asBearer = try await harness.curl("POST", Self.erase, token: apiKey, body: body)
        #expect(asBearer.json == ["error": "API keys are not supported for this endpoint", "statusCode": 401])
        let asHeader = try await harness.curl("POST", Self.erase, token: try harness.token(.mudbase),
                                        headers: ["X-API-Key": "mb_anything"], body: body)
        #expect(asHeader.status == 401)
        #expect(try await harness.curl("POST", Self.erase, body: body).json == ["error": "Authentication required", "statusCode": 401])
        #expect(try await harness.curl("POST", Self.erase, token: "nope", body: body).status == 401)
        let turkish = try await harness.curl("POST", Self.erase, headers: ["X-Language": "tr"], body: body)
        #expect(turkish.json == ["error": "Kimlik doğrulaması gerekli", "statusCode": 401])
        // An Allmine token is not a Mudbase session.
        #expect(try await harness.curl("POST", Self.erase, token: try harness.token(.allmine), body: body).status == 401)
        #expect(try await harness.mutations().isEmpty)
    }
}

@Suite("Emulator: Ovok")
struct OvokContractTests {
    static let delete = "/auth/delete"
    static let login = "/auth/login"

    @Test("schedule: 30 days by default, or the days asked for, with the user resource")
    func schedule() async throws {
        let harness = try Harness()
        let token = try harness.token(.ovok)
        let reply = try await harness.curl("DELETE", Self.delete, token: token)
        #expect(reply.status == 200)
        #expect(reply.json?["scheduled"] == "2026-05-03T12:00:00.000Z")
        let user = try #require(reply.json?["user"])
        #expect(user["resourceType"] == "User")
        #expect(user["id"] == "9f8a2389-a20c-a075-2aa9-e95093515517")
        #expect(user["firstName"] == "Max")
        #expect(user["lastName"] == "Mustermann")
        #expect(user["email"] == "max.mustermann@example.com")
        #expect(user["project"]?["reference"]?.stringValue?.hasPrefix("Project/") == true)
        #expect(user["meta"]?.objectValue != nil)

        let again = try await harness.curl("DELETE", Self.delete, token: token, body: #"{"days":10,"wipe":true}"#)
        #expect(again.json?["scheduled"] == "2026-04-13T12:00:00.000Z")
        let state = try await harness.control("GET", "users/9f8a2389-a20c-a075-2aa9-e95093515517")
        #expect(state["user"]?["deletion"]?["wipe"] == true)
    }

    @Test("days and wipe are validated: 422 out of range or of the wrong type, 400 for a body that is not JSON",
          arguments: [(#"{"days":0}"#, 422), (#"{"days":366}"#, 422), (#"{"days":1}"#, 200), (#"{"days":365}"#, 200),
                      (#"{"days":"30"}"#, 422), (#"{"days":1.5}"#, 422), (#"{"wipe":"yes"}"#, 422), (#"{"wipe":1}"#, 422),
                      (#"{"wipe":false}"#, 200), ("{not json", 400), ("[]", 400)])
    func validation(body: String, status: Int) async throws {
        let harness = try Harness()
        let reply = try await harness.curl("DELETE", Self.delete, token: try harness.token(.ovok), body: body)
        #expect(reply.status == status, "\(body) → \(reply.text)")
        if status != 200 {
            #expect(reply.json?["statusCode"] == .integer(Int64(status)))
            #expect(reply.json?["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("logging in aborts a scheduled deletion; wrong or missing credentials are refused")
    func login() async throws {
        let harness = try Harness()
        let credentials = #"{"email":"max.mustermann@example.com","password":"demo-password"}"#
        let first = try await harness.curl("POST", Self.login, body: credentials)
        #expect(first.status == 200)
        #expect(first.json?["deletionAborted"] == false)
        #expect(first.json?["expiresIn"] == 3600)
        let token = try #require(first.json?["accessToken"]?.stringValue)
        #expect(token.count == 64)
        #expect(try await harness.curl("DELETE", Self.delete, token: token).status == 200)
        let second = try await harness.curl("POST", Self.login, body: credentials)
        #expect(second.json?["deletionAborted"] == true)
        let state = try await harness.control("GET", "users/9f8a2389-a20c-a075-2aa9-e95093515517")
        #expect(state["user"]?["deletion"]?["status"] == "cancelled")

        let wrong = try await harness.curl("POST", Self.login, body: #"{"email":"max.mustermann@example.com","password":"nope"}"#)
        #expect(wrong.json == ["statusCode": 401, "message": "Invalid email or password"])
        let missing = try await harness.curl("POST", Self.login, body: #"{"email":"max.mustermann@example.com"}"#)
        #expect(missing.json == ["statusCode": 422, "message": "email and password are required"])
        let turkish = try await harness.curl("POST", Self.login, headers: ["X-Language": "tr"], body: "{}")
        #expect(turkish.json == ["statusCode": 422, "message": "email ve password alanları zorunludur"])
        #expect(try await harness.curl("DELETE", Self.delete).status == 401)
    }

    @Test("once the scheduled deletion is carried out, the user is gone: 404")
    func userGone() async throws {
        let harness = try Harness()
        let token = try harness.token(.ovok)
        _ = try await harness.curl("DELETE", Self.delete, token: token, body: #"{"days":1}"#)
        try await harness.advance(days: 2)
        try await harness.control("POST", "deletion-job")
        let gone = try await harness.curl("DELETE", Self.delete, token: token)
        #expect(gone.json == ["statusCode": 404, "message": "User not found"])
        let login = try await harness.curl("POST", Self.login, body: #"{"email":"max.mustermann@example.com","password":"demo-password"}"#)
        #expect(login.status == 401)
    }
}
