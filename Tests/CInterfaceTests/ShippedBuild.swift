import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A variant of the one file an app ships, as
/// `Sources/AccountCoreC/Shipping/build-library` makes it.
enum ShippedVariant: String, Sendable, CaseIterable {
    /// SQLite from the system (`build-library`).
    case systemSQLite = "default"
    /// SQLite linked in (`build-library --static-sqlite`).
    case staticSQLite = "static-sqlite"
    /// Without the `Curl` trait (`build-library --no-curl`).
    case noCurl = "no-curl"

    /// `build-library`'s options for this variant.
    var options: [String] {
        switch self {
        case .systemSQLite: []
        case .staticSQLite: ["--static-sqlite"]
        case .noCurl: ["--no-curl"]
        }
    }

    /// The folder `build-library` puts this variant in.
    var directory: String { self == .systemSQLite ? ShippedBuild.folder : ShippedBuild.folder + "/" + rawValue }
    /// The shipped file, stripped.
    var library: String { directory + "/libAccountCoreC.so" }
    /// The same code with its symbol table, for valgrind.
    var libraryWithSymbols: String { directory + "/symbols/libAccountCoreC.so" }
    /// The lock a process holds while it checks and builds this variant.
    var lockFile: String { ShippedBuild.folder + "/\(rawValue).lock" }
}

/// Builds the shipped library for the tests that run against it, so that
/// `swift build && swift test` needs no step in between and a test never
/// runs against a library older than the code: a variant is built by
/// `build-library` when its file is missing or older than anything it is
/// built from (`inputs`), at most once per test process.
///
/// Many tests ask at once (Swift Testing runs them in parallel): the first
/// starts the one build, the others await that same task. Two processes
/// (test binaries run at once, or `swift test` runs of different build
/// folders: runs of the same one already take turns on SwiftPM's lock) take
/// turns on a file lock per variant (`flock` on
/// `.build/shipping/<variant>.lock`): the second finds the file fresh and
/// builds nothing. `build-library` itself locks its build folder, which
/// two variants share, for runs by hand or by `.ci/abi`. The check and the
/// build block (the lock, the child process): they run on a thread of their
/// own, never on the cooperative pool, whose two threads the other tests
/// need.
///
/// The build is SwiftPM's own, in a build folder of its own
/// (`--scratch-path .build/shipping/build`), so it does not wait for the
/// `.build` that the outer `swift test` holds locked.
enum ShippedBuild {
    /// Where `build-library` puts what it makes.
    static let folder = packageRoot + "/.build/shipping"
    /// The script.
    static let script = packageRoot + "/Sources/AccountCoreC/Shipping/build-library"

    /// What the shipped library is built from, besides the toolchain: every
    /// source (`exports.map` and `build-library` itself among them), the
    /// plugins (the localization compiler), the text tables it compiles in,
    /// and the manifest. Folders count too: removing or renaming a file
    /// changes its folder's time.
    static let inputs = ["Sources", "Plugins", "Localization", "Package.swift", "Package.resolved"]
        .map { packageRoot + "/" + $0 }

    /// Makes sure `variant`'s file is built from the code as it is now;
    /// throws `ShippedBuildFailure` (with the end of the build's output)
    /// when it cannot be.
    static func ensure(_ variant: ShippedVariant) async throws {
        try await Builds.shared.build(variant).value
    }

    /// One task per variant for the whole test process.
    private actor Builds {
        static let shared = Builds()
        private var tasks: [ShippedVariant: Task<Void, any Error>] = [:]

        func build(_ variant: ShippedVariant) -> Task<Void, any Error> {
            if let task = tasks[variant] { return task }
            // Detached: the build belongs to no one test.
            let task = Task.detached { try await onThreadOfItsOwn { try buildIfStale(variant) } }
            tasks[variant] = task
            return task
        }
    }

    /// Under the variant's lock: builds it when `staleness` says so, and
    /// checks the build left a fresh file. Blocks its thread.
    static func buildIfStale(_ variant: ShippedVariant) throws {
        try makeFolder(folder)
        let lock = open(variant.lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw POSIXFailure(call: "open \(variant.lockFile)") }
        // Closing the descriptor releases the lock, also when this throws.
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw POSIXFailure(call: "flock \(variant.lockFile)") }
        }
        guard let reason = try staleness(of: variant) else { return }
        tell("ShippedBuild: building \(variant.library): \(reason)\n")
        let result = try executeBlocking("bash", [script] + variant.options)
        guard result.status == 0 else {
            throw ShippedBuildFailure(variant: variant, reason: "build-library exited with \(result.status)",
                                      output: result.errorOutput + result.output)
        }
        // The build's output stays out of the test log, but for its warnings,
        // which go to standard error as the compiler wrote them: CI fails
        // on any warning in a step's output, the shipped build's included,
        // but for the toolchain's own (its static libraries' link-time
        // notes), which CI leaves aside too.
        let toolchain = toolchainDirectory.map { String($0.dropLast("/bin".count)) } ?? "/opt/"
        for line in (result.errorOutput + result.output).split(separator: "\n")
        where line.contains("warning: ") && !line.hasPrefix(toolchain) {
            tell(line + "\n")
        }
        if let left = try staleness(of: variant) {
            throw ShippedBuildFailure(variant: variant, reason: "after build-library, still \(left)",
                                      output: result.errorOutput + result.output)
        }
    }

    /// Why `variant`'s file must be built ("missing", "older than <file>"),
    /// or nil when it is newer than every input: `inputs`, the toolchain's
    /// compiler and, for `--static-sqlite`, the SQLite archive linked in.
    static func staleness(of variant: ShippedVariant) throws -> String? {
        var inputs = inputs
        if let toolchain = toolchainDirectory { inputs.append(toolchain + "/swift-frontend") }
        if variant == .staticSQLite {
            let printed = try executeBlocking("cc", ["-print-file-name=libsqlite3.a"]).output
            inputs.append(String(printed.split(separator: "\n").first ?? ""))
        }
        return staleness(of: variant.library, builtFrom: inputs)
    }

    /// Why `library` must be built: "missing", or "older than" the newest
    /// file or folder of `inputs` (folders searched all the way down); nil
    /// when it is newer than each. An input that does not exist counts for
    /// nothing (`Package.resolved` of a package without dependencies).
    static func staleness(of library: String, builtFrom inputs: [String]) -> String? {
        guard let built = modificationTime(of: library) else { return "missing" }
        var newest: (time: Int, path: String)?
        for input in inputs {
            newestTime(under: input) { path, time in
                if time > newest?.time ?? Int.min { newest = (time, path) }
            }
        }
        guard let newest, newest.time > built else { return nil }
        let root = packageRoot + "/"
        return "older than " + (newest.path.hasPrefix(root) ? String(newest.path.dropFirst(root.count)) : newest.path)
    }

    /// Calls `consider` with the path and modification time of `path` and,
    /// for a folder, of everything under it; nothing for a path that does
    /// not exist.
    static func newestTime(under path: String, _ consider: (String, Int) -> Void) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        consider(path, info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec)
        guard info.st_mode & S_IFMT == S_IFDIR, let directory = opendir(path) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            newestTime(under: path + "/" + name, consider)
        }
    }

    /// Writes `text` to standard error, which the test run shows.
    static func tell(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// `mkdir -p`.
    static func makeFolder(_ path: String) throws {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else { throw POSIXFailure(call: "mkdir \(prefix)") }
        }
    }
}

/// A shipped library that could not be built: a test failure (never a
/// skip) that shows the end of `build-library`'s output.
struct ShippedBuildFailure: Error, CustomStringConvertible {
    let variant: ShippedVariant
    let reason: String
    let output: String

    var description: String {
        let tail = output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
        return "could not build \(variant.library) (bash \(([ShippedBuild.script] + variant.options).joined(separator: " "))): "
            + "\(reason)\n--- the end of its output\n\(tail)"
    }
}

/// The shipped library a suite or test runs against, built before its
/// tests start (`ShippedBuild.ensure`), so that the build's minutes count
/// against no test's time limit: the scope is the whole suite (or the
/// whole test, all its cases), outside the limit each case has.
struct ShippedLibraryTrait: SuiteTrait, TestTrait, TestScoping {
    /// The variants to build; nil for the one under test
    /// (`CInterface.libraryVariant`: none in a sanitizer run).
    let variants: [ShippedVariant]?

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? self : nil
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        for variant in variants ?? CInterface.libraryVariant.map({ [$0] }) ?? [] {
            try await ShippedBuild.ensure(variant)
        }
        try await function()
    }
}

extension Trait where Self == ShippedLibraryTrait {
    /// Builds the library under test first, when it is missing or stale.
    static var shippedLibrary: Self { ShippedLibraryTrait(variants: nil) }

    /// Builds these variants first, when missing or stale.
    static func shippedLibraries(_ variants: ShippedVariant...) -> Self { ShippedLibraryTrait(variants: variants) }
}
