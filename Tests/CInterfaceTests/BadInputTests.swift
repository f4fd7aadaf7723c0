import Testing
import TestSupport

/// Bad input at every function (`c/bad_input.c`): NULLs, text that is not
/// UTF-8 or not JSON, JSON that is not an object, unknown keys, wrong types,
/// bad values, unknown operations, 10 MB strings. The header promises
/// AC_ERR_ARGUMENT with an error object, never a crash, and nothing sent.
@Suite("C interface: bad input", .shippedLibrary)
struct BadInputTests {
    @Test("every bad input is AC_ERR_ARGUMENT with an error object, and none reaches the server")
    func badInput() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("bad_input", in: directory)

        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, directory.path], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        // "Refused before anything was sent": the emulator saw no request at all.
        let requests = try await harness.requests()
        #expect(requests.isEmpty, "requests reached the server: \(requests)")
    }
}
