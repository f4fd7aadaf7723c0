import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Linkage")
struct LinkageTests {
    @Test("the shipped libraries load no Foundation of any kind and no ICU: the standard library alone",
          arguments: ["libAccountCore.so", "libAccountCoreC.so"])
    func noFoundation(_ name: String) async throws {
        let library = buildDirectory + "/" + name
        try #require(fileExists(library), "build the library first: swift build")
        let closure = try await run("/usr/bin/ldd", [library])
        #expect(closure.contains("libswiftCore.so"), "ldd must list the real closure:\n\(closure)")
        #expect(closure.contains("libsqlite3.so"), "ldd must list the real closure:\n\(closure)")
        for forbidden in ["libFoundation.so", "libFoundationEssentials.so", "libFoundationNetworking.so",
                          "libFoundationInternationalization.so", "lib_FoundationICU.so", "libicu"] {
            #expect(!closure.contains(forbidden), "\(forbidden) in:\n\(closure)")
        }
    }
}
