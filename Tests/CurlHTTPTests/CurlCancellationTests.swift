import AccountEmulator
import CurlHTTP
import Testing
import TestSupport

@Suite("CurlSession cancellation")
struct CurlCancellationTests {
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
