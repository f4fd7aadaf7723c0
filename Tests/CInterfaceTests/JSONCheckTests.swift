import Testing
import TestSupport

/// The C programs judge the library's JSON with `c/json_check.c`; this shows
/// that reader refuses what it must and finds only what is there, so the
/// checks built on it can fail.
@Suite("C interface: the tests' JSON reader")
struct JSONCheckTests {
    @Test("json_check accepts exactly one object in valid UTF-8 and reads values by path")
    func selfTest() async throws {
        let directory = try TemporaryDirectory()
        let program = directory.file("json_check_selftest")
        let compiled = try await execute("cc", CInterface.strictFlags + [
            CInterface.cSources + "/json_check_selftest.c", CInterface.cSources + "/json_check.c", "-o", program,
        ])
        try #require(compiled.status == 0, "cc failed:\n\(compiled.errorOutput)")
        let result = try await CInterface.run(program, [], seconds: 30)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 30))")
    }
}
