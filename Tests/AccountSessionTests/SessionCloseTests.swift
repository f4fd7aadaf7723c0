import AccountCore
import AccountEmulator
import AccountSession
import Allmine
import Testing
import TestSupport

/// `Session.close()` (issue 30): the one door shuts once, for good. After
/// it every call is refused with `AccountError.sessionClosed`, nothing
/// crashes, and the store's file is closed.
@Suite("Hardening: closing the session")
struct SessionCloseTests {
    @Test("close twice, at once and after; every door after it throws sessionClosed; events end")
    func closeIsFinal() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let configuration = SessionConfiguration(backend: AllmineBackend(),
                                                 client: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                 databasePath: directory.file("store.sqlite"))
        let session = try Session(configuration: configuration, token: try harness.token(.allmine),
                                  transport: harness.transport(), automaticSync: true)
        // Open, it answers; a deletion request goes and is answered.
        #expect(try await session.perform(.status).status == .ok)
        guard case .deletion = try await session.perform(.operation(.requestDeletion(reason: "bye", days: nil, wipe: nil))) else {
            Issue.record("the request was not answered by the server")
            return
        }
        let events = session.events
        #expect(!session.isClosed)

        // Two closes at once, and one after: each returns, none crashes.
        async let first: Void = session.close()
        async let second: Void = session.close()
        _ = await (first, second)
        await session.close()
        #expect(session.isClosed)

        // A stream taken before the close ends; one taken after is empty.
        for await _ in events {}
        var after = 0
        for await _ in session.events { after += 1 }
        #expect(after == 0)

        await #expect(throws: AccountError.sessionClosed) { try await session.perform(.status) }
        await #expect(throws: AccountError.sessionClosed) { try await session.perform(.sync) }
        #expect(throws: AccountError.sessionClosed) { try session.answerWithoutNetwork(.outbox(everyone: false)) }
        #expect(throws: AccountError.sessionClosed) { try session.setOnline(false) }
        #expect(throws: AccountError.sessionClosed) { try session.setToken(nil) }
        #expect(throws: AccountError.sessionClosed) { try session.signIn(account: "u1", token: "t") }
        // The JSON door answers it too, as an invalid argument named "session".
        let (status, json) = await session.perform("status", arguments: nil)
        #expect(status == .argument)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"code\":\"invalidInput\"") && text.contains("session"), "\(text)")
        #expect(AccountError.sessionClosed.code == .invalidInput)

        // The file is free for the next session, which sees the request.
        let again = try Session(configuration: configuration, token: try harness.token(.allmine),
                                transport: harness.transport())
        guard case .status(let report) = try await again.perform(.status) else {
            Issue.record("no status from the reopened store")
            return
        }
        #expect(report.deletion.state != .none)
        await again.close()
    }

    @Test("close waits for a call under way, which ends with its answer")
    func closeWaitsForCallsInFlight() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let configuration = SessionConfiguration(backend: AllmineBackend(),
                                                 client: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                 databasePath: directory.file("store.sqlite"))
        let session = try Session(configuration: configuration, token: try harness.token(.allmine),
                                  transport: harness.transport())
        async let answer = session.perform(.operation(.profile))
        await session.close()
        // Either it ran before the close (answered) or after it (refused): never a crash.
        do {
            guard case .profile = try await answer else { Issue.record("not a profile"); return }
        } catch {
            #expect(error as? AccountError == AccountError.sessionClosed)
        }
    }
}
