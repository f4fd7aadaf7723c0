import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Linkage")
struct LinkageTests {
    /// The build directory: where the test binary and the library are built.
    static var buildDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return String(executable[..<(executable.lastIndex(of: "/") ?? executable.endIndex)])
    }

    @Test("the shipped library loads no full Foundation and no ICU")
    func noFoundation() throws {
        let library = Self.buildDirectory + "/libAccountCore.so"
        #expect(fileExists(library), "build the library first: swift build")
        let closure = try run("/usr/bin/ldd", [library])
        #expect(closure.contains("libFoundationEssentials.so"), "ldd must list the real closure:\n\(closure)")
        #expect(closure.contains("libsqlite3.so"), "ldd must list the real closure:\n\(closure)")
        for forbidden in ["libFoundation.so", "libFoundationNetworking.so",
                          "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!closure.contains(forbidden), "\(forbidden) in:\n\(closure)")
        }
    }
}
