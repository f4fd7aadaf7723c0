import FoundationEssentials
import Testing
import TestSupport

/// The core's HTTP through the app's own stack (`ac_open_with_transport`),
/// driven by `c/app_transport.c` with `c/http_host.c`, a blocking HTTP/1.1
/// client of its own that stands for OkHttp or URLSession. CI runs this
/// suite a second time against the file built without libcurl
/// (`build-library --no-curl`, `ACCOUNTCORE_LIBRARY_VARIANT=no-curl`).
@Suite("C interface: the app's HTTP stack", .shippedLibrary)
struct AppTransportTests {
    /// The User-Agent of `c/http_host.c` (`HTTP_HOST_USER_AGENT`).
    static let userAgent = "AccountCore-C-test-host/1.0"

    /// The User-Agent of each request the emulator received, "" for none.
    static func userAgents(_ harness: Harness) async throws -> [String] {
        try await harness.requests().map { request in
            let headers = (request["headers"]?.arrayValue ?? []).compactMap(\.arrayValue)
            let field = headers.first { $0.first?.stringValue?.lowercased() == "user-agent" }
            return field?.last?.stringValue ?? ""
        }
    }

    @Test("status, request, offline cancel, back online and sync through the app's stack, answered from its threads or at once",
          arguments: ["thread", "inline"])
    func flow(answering: String) async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("app_transport", in: directory, helpers: ["http_host"])
        let result = try await CInterface.run(program, ["flow", answering, harness.emulator.baseURL, token,
                                                        directory.file("store.sqlite")], seconds: 90)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 90))")
        #expect(try await CInterface.applied(harness) == ["requestDeletion", "cancelDeletion"])
        // Every request went through the app's stack: libcurl sends no
        // User-Agent, the app's its own.
        let agents = try await Self.userAgents(harness)
        #expect(agents.count >= 5, "\(agents)")
        #expect(agents.allSatisfy { $0 == Self.userAgent }, "\(agents)")
    }

    @Test("each failure kind is AC_ERR_NETWORK naming the kind; malformed answers, a 503 and unusable transports")
    func failures() async throws {
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("app_transport", in: directory, helpers: ["http_host"])
        let result = try await CInterface.run(program, ["failures", directory.file("store.sqlite")], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
    }

    @Test("a transport that never answers: the call's timeout, then ac_close cancelling, and late answers refused")
    func silent() async throws {
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("app_transport", in: directory, helpers: ["http_host"])
        let result = try await CInterface.run(program, ["silent", directory.file("store.sqlite")], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
    }

    @Test("ac_open without a transport: libcurl where the library has it, else a clear refusal, nothing created")
    func builtIn() async throws {
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("app_transport", in: directory, helpers: ["http_host"])
        let result = try await CInterface.run(program, ["builtin", CInterface.libraryHasCurl ? "curl" : "no-curl",
                                                        directory.file("store.sqlite")], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
    }

    @Test("the library needs libcurl only when built with the Curl trait")
    func linksCurlOnlyWithTheTrait() async throws {
        try await CInterface.requireLibrary()
        let needed = try await ShippedLibraryTests.needed(CInterface.library)
        #expect(needed.contains("libcurl.so.4") == CInterface.libraryHasCurl, "\(needed.sorted())")
        if !CInterface.librarySanitized {
            let size = try #require(fileSize(CInterface.library))
            #expect(size <= 8 << 20, "\(size) bytes: more than 8 MiB")
        }
    }

    /// Memcheck over the app's transport, the C program's threads and
    /// sockets included: no invalid access (a late answer after ac_close,
    /// a request's info read until its answer) and no definite leak (every
    /// request freed once answered). As `FlowTests.flowUnderValgrind`, on
    /// the optimized library, with `Tests/valgrind.supp`.
    @Test("under valgrind: no memory errors and no definite leaks", .timeLimit(.minutes(8)),
          .disabled(if: CInterface.librarySanitized, "valgrind and the sanitizers exclude each other"),
          arguments: ["flow", "local"])
    func underValgrind(mode: String) async throws {
        let directory = try TemporaryDirectory()
        try await CInterface.libraryForValgrind(in: directory)
        let program = try await CInterface.compile("app_transport", in: directory, helpers: ["http_host"],
                                                   libraryDirectory: directory.path)
        var arguments = CInterface.valgrindOptions + [program]
        let harness = try CInterface.emulator()
        if mode == "flow" {
            arguments += ["flow", "thread", harness.harness.emulator.baseURL, harness.token, directory.file("store.sqlite"), "120"]
        } else {
            arguments += ["local", directory.file("store.sqlite")]
        }
        let result = try await CInterface.run("valgrind", arguments, seconds: 400)
        #expect(result.status != 99 && result.errorOutput.contains("ERROR SUMMARY: 0 errors"),
                "memcheck found errors or definite leaks:\n\(result.errorOutput.suffix(20_000))")
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 400))")
    }
}
