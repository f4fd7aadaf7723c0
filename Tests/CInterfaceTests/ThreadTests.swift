import Testing
import TestSupport

/// One core shared by ten threads (`c/threads.c`): eight calling at once,
/// two flipping it on and offline, then a close that waits for them.
@Suite("C interface: threads", .shippedLibrary)
struct ThreadTests {
    @Test("8 threads × 50 calls on one core, with concurrent online toggles, all AC_OK; then ac_close")
    func concurrentCalls() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("threads", in: directory)

        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                        seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        // Only reads were made: the server's state must be untouched.
        #expect(try await CInterface.applied(harness).isEmpty)
    }
}
