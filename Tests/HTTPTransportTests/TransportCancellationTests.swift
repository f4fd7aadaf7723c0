import AccountCore
import AccountEmulator
import Testing
import TestSupport

@Suite("Transports: cancellation")
struct TransportCancellationTests {
    @Test("cancelling the task ends a slow exchange with .cancelled, and the transport works afterwards",
          arguments: TransportKind.underTest)
    func cancel(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        // Neither the server's wait nor the transport's timeout ends the
        // exchange before the cancel does, however late a loaded machine lets
        // this task go on (under ASan in CI it came after curl's 30 s: a
        // .timeout); the slow handler ends when the test stops the server.
        let transport = kind.make(totalTimeout: 3_600)
        let task = Task {
            await transport.failure(of: TransportRequest(method: "GET", url: test.base + "/slow?ms=3600000"))
        }
        try #require(try await test.gate.waitUntilEntered())
        task.cancel()
        #expect(await task.value?.kind == .cancelled)
        let after = try await transport.send(TransportRequest(method: "GET", url: test.base + "/after"))
        #expect(after.status == 200)
    }

    @Test("a task cancelled before it starts sends nothing", arguments: TransportKind.underTest)
    func cancelledBeforeStart(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await transport.failure(of: TransportRequest(method: "GET", url: test.base + "/"))
        }
        #expect(await task.value?.kind == .cancelled)
        #expect(test.log.all.isEmpty)
    }
}
