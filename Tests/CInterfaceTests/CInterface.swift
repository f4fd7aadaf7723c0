import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Where the C interface and its test programs are, and how they are built
/// and run: as a C or JNI shell would, by the system compiler, against the
/// `libAccountCoreC.so` that `swift build` put beside this test binary.
enum CInterface {
    /// The folder of the test programs' C sources.
    static let cSources = packageRoot + "/Tests/CInterfaceTests/c"
    /// The folder of the JNI shim and its Java classes.
    static let javaSources = packageRoot + "/Tests/CInterfaceTests/java"
    /// The folder of `account_core.h`.
    static let includeDirectory = packageRoot + "/Sources/CAccountCore/include"
    /// The header under test.
    static let header = includeDirectory + "/account_core.h"
    /// The one file an app ships: the Swift runtime inside, only `ac_`
    /// exported (`Sources/AccountCoreC/Shipping/build-library`). The tests
    /// build each variant they run against when it is missing or stale
    /// (`ShippedBuild`, the `.shippedLibrary` trait).
    static let shippedLibrary = ShippedVariant.systemSQLite.library
    /// The same, with SQLite linked in (`build-library --static-sqlite`).
    static let shippedLibraryWithSQLite = ShippedVariant.staticSQLite.library
    /// The same, built without the `Curl` trait (`build-library --no-curl`):
    /// no libcurl, only the app's transport.
    static let shippedLibraryWithoutCurl = ShippedVariant.noCurl.library
    /// The build's own `libAccountCoreC.so`, beside this test binary.
    static var buildLibrary: String { buildDirectory + "/libAccountCoreC.so" }
    /// Memcheck's suppressions, each with its reason.
    static let valgrindSuppressions = packageRoot + "/Tests/valgrind.supp"

    /// A copy of the optimized library under test in `directory` for
    /// memcheck: the code apps run, with its symbols (for the suppressions
    /// and the reports), without its debug sections, which `build-library`
    /// keeps beside the shipped file (`symbols/`): valgrind 3.19 cannot read
    /// the DWARF 5 the Swift toolchain's clang writes (forms strx1, addrx:
    /// "Possibly corrupted debuginfo file ... Giving up").
    static func libraryForValgrind(in directory: TemporaryDirectory,
                                   sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let variant = try #require(libraryVariant, "valgrind runs the shipped library, not a sanitizer build",
                                   sourceLocation: sourceLocation)
        try await ShippedBuild.ensure(variant)
        let copied = try await execute("cp", [variant.libraryWithSymbols, directory.file("libAccountCoreC.so")])
        try #require(copied.status == 0, "cp \(variant.libraryWithSymbols) failed: \(copied.errorOutput)",
                     sourceLocation: sourceLocation)
    }

    /// Memcheck's options for the C interface's runs: no invalid access, no
    /// use of uninitialized memory, no definite leak, `Tests/valgrind.supp`.
    static let valgrindOptions = ["--tool=memcheck", "--leak-check=full", "--errors-for-leak-kinds=definite",
                                  "--show-leak-kinds=definite", "--error-exitcode=99", "--num-callers=40",
                                  "--suppressions=" + valgrindSuppressions]

    /// Whether the tests run against the file built without libcurl:
    /// `ACCOUNTCORE_LIBRARY_VARIANT=no-curl`, as CI's step for it sets, for
    /// the suites that need no libcurl (`AppTransportTests`, `JavaTransportTests`).
    static let testsLibraryWithoutCurl = environment("ACCOUNTCORE_LIBRARY_VARIANT") == "no-curl"

    /// Whether the library under test has libcurl (the `Curl` trait): the
    /// build's own and the default file do, the `no-curl` file does not.
    static var libraryHasCurl: Bool { librarySanitized || !testsLibraryWithoutCurl }

    /// The variant of the shipped file under test: the one without libcurl
    /// when `testsLibraryWithoutCurl`; none in a sanitizer run.
    static var libraryVariant: ShippedVariant? {
        librarySanitized ? nil : testsLibraryWithoutCurl ? .noCurl : .systemSQLite
    }

    /// The library under test: the shipped single file (the one without
    /// libcurl when `testsLibraryWithoutCurl`); in a sanitizer run the
    /// build's own, which the sanitizer instruments (the single file is a
    /// release build without it).
    static var library: String { libraryVariant?.library ?? buildLibrary }
    /// The folder of `library`, for `-L` and the rpath.
    static var libraryDirectory: String { String(library.dropLast("/libAccountCoreC.so".count)) }

    /// Whether this is a sanitizer run (the build's library instrumented):
    /// its programs must then bring the sanitizer's runtime.
    static let librarySanitized: Bool = sanitizer != nil

    /// The sanitizer the build's library was built with (`address`,
    /// `thread`), if any.
    static let sanitizer: String? = {
        // A static initializer cannot wait asynchronously; nm ends at once.
        let symbols = (try? executeBlocking("nm", ["-D", buildLibrary]).output) ?? ""
        if symbols.contains("__asan_init") { return "address" }
        if symbols.contains("__tsan_init") { return "thread" }
        return nil
    }()

    /// The C compiler: `cc`, or for a sanitized library the toolchain's clang
    /// (the one whose ASan runtime matches the library's) with ASan on.
    static var compiler: (program: String, flags: [String]) {
        guard let sanitizer, let toolchain = toolchainDirectory else { return ("cc", []) }
        // ThreadSanitizer's runtime intercepts libdispatch, which it then needs.
        let swiftLibraries = toolchain + "/../lib/swift/linux"
        let extra = sanitizer == "thread"
            ? ["-L" + swiftLibraries, "-Wl,-rpath," + swiftLibraries, "-ldispatch", "-lBlocksRuntime"] : []
        return (toolchain + "/clang", ["-fsanitize=" + sanitizer] + extra)
    }

    /// The strictest flags the header promises to compile under.
    static let strictFlags = ["-std=c99", "-Wall", "-Wextra", "-Werror"]

    /// Builds the library under test when it is missing or older than its
    /// sources (`ShippedBuild`), and fails the test (and stops it) when it
    /// cannot be built or, in a sanitizer run, was not: running these tests
    /// without it must be red, never silently green.
    static func requireLibrary(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        if let libraryVariant { try await ShippedBuild.ensure(libraryVariant) }
        try #require(fileExists(library), "no \(library): swift build makes it", sourceLocation: sourceLocation)
    }

    /// Compiles `c/<name>.c` with the shared helpers (and `c/<helper>.c` for
    /// each of `helpers`) into `directory`, linked to the library in
    /// `libraryDirectory` (the build's, unless a test made a copy) with an
    /// rpath, warning-free under `strictFlags`.
    /// `compiler` replaces the default (`CInterface.compiler`), and
    /// `includes` are searched for headers before the test sources.
    static func compile(_ name: String, in directory: TemporaryDirectory, helpers: [String] = [],
                        libraryDirectory: String = CInterface.libraryDirectory,
                        compiler: (program: String, flags: [String]) = CInterface.compiler, includes: [String] = [],
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await requireLibrary(sourceLocation: sourceLocation)
        let output = directory.file(name)
        let sources = ([name, "expect", "json_check"] + helpers).map { cSources + "/\($0).c" }
        let arguments = strictFlags + ["-g", "-I" + includeDirectory] + includes.map { "-I" + $0 } + ["-I" + cSources] + sources
            + ["-L" + libraryDirectory, "-lAccountCoreC", "-Wl,-rpath," + libraryDirectory, "-lpthread", "-o", output]
        let result = try await execute(compiler.program, compiler.flags + arguments)
        try #require(result.status == 0, "cc \(name).c failed:\n\(result.errorOutput)\(result.output)",
                     sourceLocation: sourceLocation)
        return output
    }

    /// Runs `program` under `timeout`, so that a hung library fails the test
    /// after `seconds` instead of hanging the suite (the runner cannot
    /// interrupt a blocking wait on a child).
    static func run(_ program: String, _ arguments: [String], seconds: Int) async throws -> ProcessResult {
        try await execute("timeout", ["--kill-after=5", String(seconds), program] + arguments)
    }

    /// What a program printed, for a failure message; says so when it timed out.
    static func describe(_ result: ProcessResult, seconds: Int) -> String {
        let timedOut = result.status == 124 || result.status == 128 + SIGKILL
            ? "TIMED OUT after \(seconds) s\n" : ""
        return "\(timedOut)exit \(result.status)\n--- stdout\n\(result.output)\n--- stderr\n\(result.errorOutput)"
    }

    /// An emulator with the Allmine demo user's token, its clock set to the
    /// real time: the C core reads the system clock, and a real server's
    /// clock is close to the phone's, so deadlines (28 days from now) are
    /// in the future on both sides.
    static func emulator() throws -> (harness: Harness, token: String) {
        let harness = try Harness()
        harness.clock.set(SystemClock().now())
        return (harness, try harness.token(.allmine))
    }

    /// The actions the emulator applied, in order.
    static func applied(_ harness: Harness) async throws -> [String] {
        try await harness.mutations().compactMap { $0["action"]?.stringValue }
    }
}
