import Testing
import TestSupport

/// A careless host's misuse of its handles and buffers, and the defined
/// answer each gets (`c/misuse.c`), as SQLite answers misuse with
/// `SQLITE_MISUSE`: never a crash, never memory of another request. Under
/// the sanitizer runs the library is instrumented, so a read of freed
/// memory, or past a buffer, fails there.
@Suite("C interface: misuse is answered, never undefined", .shippedLibrary)
struct MisuseTests {
    static func run(_ mode: String, seconds: Int = 120) async throws {
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("misuse", in: directory)
        let result = try await CInterface.run(program, [mode, directory.file("store.sqlite")], seconds: seconds)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: seconds))")
    }

    @Test("second answers, answers after cancel or ac_close, NULL and garbage handles: AC_ERR_ARGUMENT; SIZE_MAX counts and 1xx refused unread; header fields capped")
    func answers() async throws {
        try await Self.run("answers")
    }

    @Test("calls on a closed core, a second ac_close, garbage cores and calls racing ac_close: AC_ERR_ARGUMENT, \"closed\"; racing ac_close calls each return once the core is closed")
    func closedCore() async throws {
        try await Self.run("core")
    }

    @Test("ac_set_event_handler waits for the previous handler's call; from inside the handler it returns at once")
    func handlerReplacement() async throws {
        try await Self.run("handler")
    }
}
