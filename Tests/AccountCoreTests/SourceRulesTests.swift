import FoundationEssentials
import Testing
import TestSupport

/// Rules of the developers' guide that a reviewer could miss in a diff,
/// checked over the library's own source files.
@Suite("Source rules")
struct SourceRulesTests {
    /// What ships: `Sources` and the back-end plugins (not the build-time
    /// localization compiler, which never leaves the developer's machine).
    static let libraryFolders = ["Sources", "Plugins/Allmine", "Plugins/Mudbase", "Plugins/Ovok"]
        .map { packageRoot + "/" + $0 }

    /// What `libAccountCoreC.so` and the `AccountCore` product contain:
    /// everything but the emulator and the shell, which may keep
    /// FoundationEssentials.
    static let shippedFolders = ["AccountCore", "AccountSession", "AccountCoreC", "CurlTransport", "CurlHTTP", "SQLiteDB",
                                 "POSIXThread", "Libc", "HTTPLimits"].map { packageRoot + "/Sources/" + $0 }
        + ["Allmine", "Mudbase", "Ovok"].map { packageRoot + "/Plugins/" + $0 }

    /// The one module with full Foundation, outside `Sources`: the
    /// URLSession transport of Apple apps, where Foundation is the system's
    /// own framework. Nothing that ships here links it; on Linux only the
    /// tests do (FoundationNetworking).
    static let urlSessionTransport = packageRoot + "/Platforms/Apple/URLSessionTransport"

    /// The lines of library code matching `pattern` (extended regex), as `file:line:text`.
    private func matches(_ pattern: String, in folders: [String] = libraryFolders) async throws -> [String] {
        let result = try await execute("/bin/grep", ["-rnE", "--include=*.swift", pattern] + folders)
        // grep: 0 found, 1 none found, 2 trouble (which must not pass as "none").
        try #require(result.status == 0 || result.status == 1, "grep failed: \(result.errorOutput)")
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test("the folders searched exist, so an empty result means something")
    func foldersExist() {
        for folder in Self.libraryFolders { #expect(fileExists(folder), "\(folder)") }
    }

    @Test("library code imports FoundationEssentials, never Foundation; only the Apple URLSession transport, outside Sources, does")
    func noFoundation() async throws {
        let kinds = "(typealias|struct|class|enum|protocol|let|var|func)"
        let pattern = #"^\s*(@[a-zA-Z_]+\s+)*import\s+("# + kinds + #"\s+)?(Foundation|FoundationNetworking)(\.|\s|$)"#
        #expect(try await matches(pattern) == [])
        #expect(try await !matches(pattern, in: [Self.urlSessionTransport]).isEmpty, "the pattern finds the transport's own")
        #expect(try await !matches(#"^import FoundationEssentials$"#).isEmpty)
    }

    @Test("no library module imports the URLSession transport: the core, the session and the C interface never link it")
    func urlSessionTransportStandsAlone() async throws {
        let pattern = #"^\s*(@[a-zA-Z_]+\s+)*import\s+URLSessionTransport\b"#
        #expect(try await matches(pattern) == [])
        // The pattern finds the tests' imports, so an empty result means something.
        #expect(try await !matches(pattern, in: [packageRoot + "/Tests/HTTPTransportTests"]).isEmpty)
    }

    @Test("what ships imports neither Foundation nor FoundationEssentials: the standard library alone")
    func standardLibraryAlone() async throws {
        for folder in Self.shippedFolders { #expect(fileExists(folder), "\(folder)") }
        #expect(try await matches(#"^\s*(@[a-zA-Z_]+\s+)*import\s+([a-z]+\s+)?Foundation"#, in: Self.shippedFolders) == [])
        #expect(try await matches(#"canImport\(Foundation"#, in: Self.shippedFolders) == [])
        // The pattern finds what the emulator keeps, so an empty result means something.
        #expect(try await !matches(#"^import FoundationEssentials$"#, in: [packageRoot + "/Sources/AccountEmulator"]).isEmpty)
    }

    @Test("every lock is a LockedValue: ThreadSanitizer cannot see Synchronization.Mutex on Linux")
    func noSynchronizationMutex() async throws {
        #expect(try await matches(#"\bMutex\s*[<(]"#) == [])
        #expect(try await !matches(#"\bLockedValue\s*[<(]"#).isEmpty)
    }

    @Test("no print and no try! in library code")
    func noPrintNoTryBang() async throws {
        #expect(try await matches(#"(^|[^.a-zA-Z_])print\("#) == [])
        #expect(try await matches(#"\btry!"#) == [])
    }

    @Test("only the Libc module names a platform's C library; the rest import Libc")
    func oneModuleNamesThePlatform() async throws {
        let named = try await matches(#"(import|canImport\()\s*(Glibc|Musl|Darwin|Android|Bionic)\b|\b(Glibc|Musl|Darwin)\."#)
        #expect(named.filter { !$0.hasPrefix(packageRoot + "/Sources/Libc/") } == [])
        #expect(named.contains { $0.hasPrefix(packageRoot + "/Sources/Libc/") }, "the pattern finds Libc's own")
        #expect(try await !matches(#"^import Libc$"#).isEmpty)
    }

    /// The longest a shipped source file may be: past it, a file is doing
    /// more than one thing, and is split by idea (issue 30).
    static let maximumLines = 400

    @Test("no shipped source file is over 400 lines")
    func shortFiles() async throws {
        let folders = Self.shippedFolders + [packageRoot + "/Sources/HostTransport"]
        for folder in folders { #expect(fileExists(folder), "\(folder)") }
        // grep -c '' counts each file's lines, as `file:count`.
        let result = try await execute("/bin/grep", ["-rc", "--include=*.swift", ""] + folders)
        try #require(result.status == 0, "grep failed: \(result.errorOutput)")
        let counts = result.output.split(separator: "\n").compactMap { line -> (String, Int)? in
            guard let colon = line.lastIndex(of: ":"), let count = Int(line[line.index(after: colon)...]) else { return nil }
            return (String(line[..<colon]), count)
        }
        #expect(counts.count > 100, "every shipped file is counted")
        #expect(counts.filter { $0.1 > Self.maximumLines }.map { "\($0.0): \($0.1) lines" } == [])
    }

    @Test("no sleeping to wait for something in library code, the emulator's injected delay included (it waits on its stop)")
    func noPolling() async throws {
        // (Task.sleep until an instant is a timer, not a poll: it stays.)
        #expect(try await matches(#"\busleep\(|Thread\.sleep|(^|[^.a-zA-Z_])sleep\("#) == [])
    }
}
