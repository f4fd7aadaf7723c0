import Testing
import TestSupport

/// The event handler's contract (`c/handler.c`): it runs on a library
/// thread, may call back into its core (only ac_close is forbidden there),
/// and does not run once ac_close has returned; else a caller could never
/// know when it may free the handler's context.
@Suite("C interface: the event handler", .shippedLibrary)
struct HandlerTests {
    @Test("a handler may call ac_call on its core; ac_close waits for a handler call in progress; none begins after")
    func handlerContract() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("handler", in: directory)

        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                        seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
    }
}
