import AccountCore
import AccountEmulator
import Allmine
import FoundationEssentials
import Mudbase
import Ovok
import Testing
import TestSupport

/// What the client sends and believes at the network edge (issue 27, items
/// 4 and 5), over every transport: a token that could split a header never
/// reaches one, and a redirect is never followed nor trusted.
@Suite("Client: tokens and redirects")
struct NetworkEdgeTests {
    /// A token that would add a header of its own to a request.
    static let injected = "tok\r\nX-Injected: yes"
    static let refused = AccountError(.invalidInput(.invalidToken))

    /// The `AccountError` `body` throws, or nil.
    static func refusal(_ body: () throws -> Void) -> AccountError? {
        do {
            try body()
            return nil
        } catch let error as AccountError {
            return error
        } catch {
            Issue.record("not an AccountError: \(error)")
            return nil
        }
    }

    /// Method and path of each request the emulator received.
    static func seen(_ harness: ClientHarness) async throws -> [String] {
        try await harness.emulator.requests().map {
            "\($0["method"]?.stringValue ?? "?") \($0["path"]?.stringValue ?? "?")"
        }
    }

    @Test("a CR/LF token is refused at every door of the client and the engine, changing nothing, and no request carries it",
          arguments: ClientTransport.underTest)
    func crlfTokenRefused(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        #expect(Self.refusal { _ = try harness.allmine(token: .some(Self.injected)) } == Self.refused)
        let token = try harness.emulator.token(.allmine)
        let client = try harness.allmine(token: .some(token))
        let engine = harness.engine(client)
        #expect(Self.refusal { try client.signIn(account: nil, token: Self.injected) } == Self.refused)
        #expect(Self.refusal { try client.signIn(account: "u1", token: Self.injected) } == Self.refused)
        #expect(Self.refusal { try client.setToken(Self.injected) } == Self.refused)
        #expect(Self.refusal { try engine.signIn(account: nil, token: Self.injected) } == Self.refused)
        #expect(Self.refusal { try engine.setToken(Self.injected) } == Self.refused)

        // Nothing changed: the token given before goes, and only it.
        #expect(try await client.profile().username == "demo_user")
        #expect(try await client.requestDeletion().state == .pending)
        let sent = harness.sent.all
        #expect(sent.count == 2)
        for request in sent {
            #expect(request.headers.allSatisfy { !$0.value.contains("\r") && !$0.value.contains("\n") && $0.name != "X-Injected" })
            #expect(request.headers.first { $0.name == "Authorization" }?.value == "Bearer " + token)
        }
        let received = try await harness.emulator.requests()
        #expect(received.count == 2)
        #expect(!received.contains { $0["headers"]?.arrayValue?.contains { $0.arrayValue?.first == "X-Injected" } == true })
    }

    @Test("a refreshed token that is no bearer token is not used: nothing is sent", arguments: ClientTransport.underTest)
    func refreshedTokenRefused(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.client(AllmineBackend(), token: .some(nil), tokenRefresher: { Self.injected })
        await expectError(.unauthorized) { () async throws(AccountError) in try await client.profile() }
        #expect(harness.sent.all.isEmpty)
        #expect(try await harness.emulator.requests().isEmpty)
    }

    @Test("a token with = padding, ~, + and / goes as it is, through every transport", arguments: ClientTransport.underTest)
    func paddedTokenGoes(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let token = "Ab0-._~+/9=="
        let client = try harness.allmine(token: .some(token))
        // The emulator issued no such token: it answers 401, having read it.
        await expectError(.unauthorized) { () async throws(AccountError) in try await client.profile() }
        #expect(harness.sent.all.map { $0.headers.first { $0.name == "Authorization" }?.value } == ["Bearer " + token])
        let received = try await harness.emulator.requests()
        #expect(received.map { $0["status"]?.integerValue } == [401])
    }

    @Test("a 302 from the server is an unexpected response naming its Location, and the identity check does not trust it",
          arguments: ClientTransport.underTest)
    func redirectNotTrusted(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        let client = try harness.allmine()
        // The redirect points at the real answer: a client that followed
        // it would learn whose the token is from there.
        try await harness.emulator.inject("redirect", "GET", "/api/v1/users/me")
        await expectError(.unexpectedResponse(status: 302, bodyPrefix: ""),
                          detail: "a redirect to /api/v1/users/me?redirected=1, not followed") { () async throws(AccountError) in
            try await client.requestDeletion()
        }
        // Nothing followed the 302, and the deletion waited for the check.
        #expect(try await Self.seen(harness) == ["GET /api/v1/users/me"])
        #expect(harness.sent.all.count == 1)
        // Nothing was learned from it: the next send asks again, and goes.
        #expect(try await client.requestDeletion().state == .pending)
        #expect(try await Self.seen(harness)
            == ["GET /api/v1/users/me", "GET /api/v1/users/me", "POST /api/v1/users/me/account-deletion"])
    }

    @Test("a 3xx is the same error on every back end: one place decides it", arguments: ClientTransport.underTest)
    func redirectOnEveryBackend(_ transport: ClientTransport) async throws {
        let harness = try ClientHarness(transport: transport)
        try await harness.emulator.inject("redirect", "POST", "/api/users/me/erase")
        let mudbase = try harness.mudbase()
        await expectError(.unexpectedResponse(status: 302, bodyPrefix: ""),
                          detail: "a redirect to /api/users/me/erase?redirected=1, not followed") { () async throws(AccountError) in
            try await mudbase.erase(confirmation: ErasureConfirmation.phrase)
        }
        try await harness.emulator.inject("redirect", "DELETE", "/auth/delete")
        let ovok = try harness.ovok()
        await expectError(.unexpectedResponse(status: 302, bodyPrefix: ""),
                          detail: "a redirect to /auth/delete?redirected=1, not followed") { () async throws(AccountError) in
            try await ovok.requestDeletion(days: 5)
        }
        #expect(try await harness.emulator.mutations().isEmpty)
        #expect(try await Self.seen(harness) == ["POST /api/users/me/erase", "DELETE /auth/delete"])
    }
}
