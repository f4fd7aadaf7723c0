import FoundationEssentials
import Testing
import TestSupport

/// The sample transport of `docs/c-interface.md` ("Using your app's HTTP
/// stack"), compiled as the page shows it: the code block is read from the
/// page on every run, so the page and the test never differ. With
/// `c/doc_sample_main.c` as the rest of the app, its stack answering every
/// request after the core's timeout, 100 requests run under
/// AddressSanitizer and under valgrind: the sample's cancel answers each,
/// its exchange answers each again later (refused, harmlessly), and
/// neither tool reports anything.
@Suite("C interface: the documented sample transport", .shippedLibrary)
struct DocSampleTests {
    static let page = packageRoot + "/docs/c-interface.md"
    static let requests = "100"

    /// The first C code block after the heading "## Using your app's HTTP stack".
    static func sampleCode(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let text = try #require(contents(of: page).map { String(decoding: $0, as: UTF8.self) }, "no \(page)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let section = try #require(lines.firstIndex(of: "## Using your app's HTTP stack"), "the page has no such section",
                                   sourceLocation: sourceLocation)
        let opening = try #require(lines[section...].firstIndex(of: "```c"), "no ```c block in the section",
                                   sourceLocation: sourceLocation)
        let closing = try #require(lines[(opening + 1)...].firstIndex(of: "```"), "the block does not end",
                                   sourceLocation: sourceLocation)
        return lines[(opening + 1)..<closing].joined(separator: "\n") + "\n"
    }

    /// Compiles the sample with its harness into `directory`, by `compiler`, against `libraryDirectory`.
    static func compileSample(in directory: TemporaryDirectory, compiler: (program: String, flags: [String]),
                              libraryDirectory: String = CInterface.libraryDirectory) async throws -> String {
        try write(Array(try sampleCode().utf8), to: directory.file("doc_sample.c"))
        return try await CInterface.compile("doc_sample_main", in: directory, libraryDirectory: libraryDirectory,
                                            compiler: compiler, includes: [directory.path])
    }

    @Test("the sample holds 100 requests answered after the timeout under AddressSanitizer", .timeLimit(.minutes(5)),
          .disabled(if: CInterface.sanitizer == "thread", "AddressSanitizer and ThreadSanitizer exclude each other"))
    func underAddressSanitizer() async throws {
        // The toolchain's clang with ASan, against the library under test:
        // the shipped file, or in the sanitizer run the build's, instrumented.
        let toolchain = try #require(toolchainDirectory, "no Swift toolchain (its clang brings ASan)")
        let directory = try TemporaryDirectory()
        let program = try await Self.compileSample(in: directory, compiler: (toolchain + "/clang", ["-fsanitize=address", "-fuse-ld=lld"]))
        let result = try await execute("env", [
            "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=99",
            "LSAN_OPTIONS=suppressions=\(packageRoot)/Tests/lsan.supp",
            "timeout", "--kill-after=5", "240", program, directory.file("store.sqlite"), Self.requests,
        ])
        #expect(!result.errorOutput.contains("Sanitizer"), "AddressSanitizer reported:\n\(result.errorOutput.suffix(20_000))")
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 240))")
        #expect(result.output.contains("doc_sample: all"), "\(result.output)")
    }

    /// As `AppTransportTests.underValgrind`: the optimized library apps run
    /// (`CInterface.libraryForValgrind`), with `Tests/valgrind.supp`.
    @Test("the sample holds 100 requests answered after the timeout under valgrind", .timeLimit(.minutes(8)),
          .disabled(if: CInterface.librarySanitized, "valgrind and the sanitizers exclude each other"))
    func underValgrind() async throws {
        let directory = try TemporaryDirectory()
        try await CInterface.libraryForValgrind(in: directory)
        let program = try await Self.compileSample(in: directory, compiler: CInterface.compiler,
                                                   libraryDirectory: directory.path)
        var arguments = CInterface.valgrindOptions
        arguments += [program, directory.file("store.sqlite"), Self.requests]
        let result = try await CInterface.run("valgrind", arguments, seconds: 400)
        #expect(result.status != 99 && result.errorOutput.contains("ERROR SUMMARY: 0 errors"),
                "memcheck found errors or definite leaks:\n\(result.errorOutput.suffix(20_000))")
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 400))")
        #expect(result.output.contains("doc_sample: all"), "\(result.output)")
    }
}
