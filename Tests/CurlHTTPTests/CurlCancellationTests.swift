import AccountEmulator
import CurlHTTP
import Testing
import TestSupport

@Suite("CurlSession cancellation")
struct CurlCancellationTests {
    @Test("cancelling the task ends a slow request with .cancelled")
    func asyncCancel() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let task = Task {
            await curlError { try await session.perform(CurlRequest(method: "GET", url: test.base + "/slow?ms=5000")) }
        }
        try #require(try await test.gate.waitUntilEntered())
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(error?.code == 42)
    }

    @Test("a task cancelled before it starts sends nothing")
    func cancelledBeforeStart() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await curlError { try await session.perform(CurlRequest(method: "GET", url: test.base + "/")) }
        }
        #expect(await task.value?.kind == .cancelled)
        #expect(test.log.all.isEmpty)
    }

    @Test("the blocking perform polls isCancelled during the transfer")
    func blockingCancel() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let gate = test.gate
        let error = curlError {
            try session.perform(CurlRequest(method: "GET", url: test.base + "/slow?ms=5000"),
                                isCancelled: { gate.hasEntered })
        }
        #expect(error?.kind == .cancelled)
        // The handle is still good for the next request.
        let response = try session.perform(CurlRequest(method: "GET", url: test.base + "/after"), isCancelled: notCancelled)
        #expect(response.status == 200)
    }
}
