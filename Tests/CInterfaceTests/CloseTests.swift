import Testing
import TestSupport

/// `ac_close` while another thread's call is still waiting for the server
/// (`c/close.c`): the header says it waits for calls in flight.
@Suite("C interface: closing")
struct CloseTests {
    @Test("ac_close waits for a call in flight (a status the server answers 1.5 s late)")
    func closeWaitsForCalls() throws {
        let (harness, token) = try CInterface.emulator()
        // The first status request is answered 1.5 s late.
        try harness.inject("delay", "GET", "/api/v1/users/me/account-deletion", count: 1, delayMs: 1_500)
        let directory = try TemporaryDirectory()
        let program = try CInterface.compile("close", in: directory)

        let result = try CInterface.run(program, [harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                        seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        // The delayed request did reach the server: the test closed during it.
        let statusRequests = try harness.requests().filter {
            $0["method"]?.stringValue == "GET" && $0["path"]?.stringValue == "/api/v1/users/me/account-deletion"
        }
        #expect(statusRequests.count == 1, "\(statusRequests)")
    }
}
