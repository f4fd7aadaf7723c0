import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The tests build the shipped library themselves (`ShippedBuild`), so a
/// plain `swift test` never runs them against a library older than the
/// code: it is built again when missing or older than any of its inputs.
@Suite("C interface: the shipped file is built when stale")
struct ShippedBuildTests {
    /// Sets the modification time of `path` to `seconds` after 1970.
    static func setTime(_ path: String, seconds: Int) throws {
        let time = timespec(tv_sec: seconds, tv_nsec: 0)
        let result = withUnsafePointer(to: (time, time)) { pair in
            pair.withMemoryRebound(to: timespec.self, capacity: 2) { utimensat(AT_FDCWD, path, $0, AT_SYMLINK_NOFOLLOW) }
        }
        guard result == 0 else { throw POSIXFailure(call: "utimensat \(path)") }
    }

    @Test("missing, then fresh, then older than a changed file, then older than the folder a file left")
    func staleness() throws {
        let directory = try TemporaryDirectory()
        let sources = directory.file("Sources")
        let library = directory.file("libAccountCoreC.so")
        let inputs = [sources, directory.file("Package.resolved")]  // the second does not exist
        #expect(mkdir(sources, 0o755) == 0)
        try write(Array("let a = 1\n".utf8), to: sources + "/a.swift")
        try write(Array("let b = 1\n".utf8), to: sources + "/b.swift")
        for file in ["a.swift", "b.swift"] { try Self.setTime(sources + "/" + file, seconds: 1_000) }
        try Self.setTime(sources, seconds: 1_000)
        #expect(ShippedBuild.staleness(of: library, builtFrom: inputs) == "missing")

        try write(Array("ELF".utf8), to: library)
        try Self.setTime(library, seconds: 2_000)
        #expect(ShippedBuild.staleness(of: library, builtFrom: inputs) == nil)

        try Self.setTime(sources + "/b.swift", seconds: 3_000)
        #expect(ShippedBuild.staleness(of: library, builtFrom: inputs) == "older than \(sources)/b.swift")

        // A removed file leaves no file to be newer: its folder's time is.
        #expect(unlink(sources + "/b.swift") == 0)
        #expect(ShippedBuild.staleness(of: library, builtFrom: inputs) == "older than \(sources)")
        try Self.setTime(sources, seconds: 1_000)
        #expect(ShippedBuild.staleness(of: library, builtFrom: inputs) == nil)
    }

    @Test("the package's own inputs: the sources, build-library and its exports map, the plugins, the text tables, the manifest")
    func inputsOfThePackage() {
        var seen: [String] = []
        for input in ShippedBuild.inputs { ShippedBuild.newestTime(under: input) { path, _ in seen.append(path) } }
        for file in ["Sources/AccountCoreC/Shipping/build-library", "Sources/AccountCoreC/Shipping/exports.map",
                     "Sources/AccountCore/Errors/ErrorMapping.swift", "Plugins/LocalizationCompiler",
                     "Localization/tr.json", "Package.swift"] {
            #expect(seen.contains(packageRoot + "/" + file), "\(file) is not among the inputs")
        }
    }

    /// The library under test made older than every source, as a checkout or
    /// an edit leaves it: the check finds it stale, `build-library` runs, and
    /// the file is fresh again (replaced whole, so the tests using it at the
    /// same moment load the old or the new file, never half of one).
    @Test("the library under test, once older than its sources, is built again and is then fresh",
          .disabled(if: CInterface.librarySanitized, "a sanitizer run tests the build's own library"))
    func rebuildsWhenStale() async throws {
        let variant = try #require(CInterface.libraryVariant)
        try await ShippedBuild.ensure(variant)
        try Self.setTime(variant.library, seconds: 1)
        let before = try ShippedBuild.staleness(of: variant)
        #expect(before?.hasPrefix("older than ") == true, "\(before ?? "fresh")")

        let started = time(nil)
        try await onThreadOfItsOwn { try ShippedBuild.buildIfStale(variant) }
        #expect(try ShippedBuild.staleness(of: variant) == nil)
        #expect((modificationTime(of: variant.library) ?? 0) / 1_000_000_000 >= started - 1, "the file was not replaced")
    }

    @Test("a failed build fails the test with the command and the end of its output")
    func failureShowsOutput() {
        let output = (1...100).map { "line \($0)" }.joined(separator: "\n")
        let failure = ShippedBuildFailure(variant: .staticSQLite, reason: "build-library exited with 1", output: output)
        #expect(failure.description.contains("build-library --static-sqlite"))
        #expect(failure.description.contains("exited with 1"))
        #expect(failure.description.hasSuffix("line 100"))
        #expect(!failure.description.contains("line 60\n"))
    }
}
