import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Linkage")
struct LinkageTests {
    @Test("the shipped library loads no full Foundation and no ICU")
    func noFoundation() async throws {
        let library = buildDirectory + "/libAccountCore.so"
        #expect(fileExists(library), "build the library first: swift build")
        let closure = try await run("/usr/bin/ldd", [library])
        #expect(closure.contains("libFoundationEssentials.so"), "ldd must list the real closure:\n\(closure)")
        #expect(closure.contains("libsqlite3.so"), "ldd must list the real closure:\n\(closure)")
        for forbidden in ["libFoundation.so", "libFoundationNetworking.so",
                          "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!closure.contains(forbidden), "\(forbidden) in:\n\(closure)")
        }
    }
}
