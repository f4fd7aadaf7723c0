import Testing
import TestSupport

/// JSON nested to the library's limit, from a C thread with a 64 KiB stack
/// (`c/small_stack.c`): `ac_call` arguments and `ac_open` configurations at
/// 512 levels and at 513, values read whole and then refused, a deep
/// duplicate member; each is AC_ERR_ARGUMENT with an error object, and the
/// thread survives reading and freeing them. A recursive parser (or a
/// recursive release of the value) ran out of that stack at about 450
/// levels. Run against the shipped, optimized file, which is what apps run.
@Suite("C interface: nesting on a small stack", .shippedLibrary)
struct SmallStackTests {
    @Test("a 64 KiB thread survives JSON nested at the limit and past it; 200 000 deep is refused")
    func nestingOnSmallStack() async throws {
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("small_stack", in: directory)
        let result = try await CInterface.run(program, [directory.file("store.sqlite")], seconds: 120)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 120))")
        #expect(result.output.contains(" checks, 0 failed"), "\(result.output)")
    }
}
