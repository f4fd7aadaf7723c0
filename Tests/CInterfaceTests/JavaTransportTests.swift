import Testing
import TestSupport

/// The JNI binding with the app's own HTTP stack: the sample transport on
/// `java.net.http.HttpClient` (`Sources/AccountCoreJNI/samples`), driven by
/// `java/TransportMain.java`. The emulator's request log shows the sample's
/// User-Agent on every request: curl, which sends none, was never used. CI
/// runs this suite a second time against the file built without libcurl.
@Suite("C interface: JNI with the app's HTTP stack",
       .enabled(if: JavaBinding.javaHome != nil, "no JDK (javac and jni.h) is installed"),
       .disabled(if: CInterface.librarySanitized, "the JVM cannot load a sanitizer build"), .shippedLibrary)
struct JavaTransportTests {
    /// `HttpClientTransport.USER_AGENT`.
    static let userAgent = "AccountCore-Sample-HttpClient/1.0 (java.net.http)"

    /// Runs `TransportMain` in `mode` against a fresh emulator; the harness, for its logs.
    static func run(_ mode: String) async throws -> Harness {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let (library, classes) = try await JavaBinding.build(in: directory)
        let result = try await JavaBinding.run("TransportMain", [mode, harness.emulator.baseURL, token,
                                                                 directory.file("store.sqlite")],
                                               library: library, classes: classes)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 120))")
        JavaBinding.expectCleanJNI(result)
        let agents = try await AppTransportTests.userAgents(harness)
        #expect(!agents.isEmpty)
        #expect(agents.allSatisfy { $0 == userAgent }, "\(agents)")
        return harness
    }

    @Test("status, request, offline cancel, back online and sync through HttpClient: its User-Agent on every request")
    func flow() async throws {
        let harness = try await Self.run("flow")
        #expect(try await CInterface.applied(harness) == ["requestDeletion", "cancelDeletion"])
    }

    @Test("ş, İ and an emoji round-trip: the body sent, the refusals, a user id through the store")
    func unicode() async throws {
        let harness = try await Self.run("unicode")
        #expect(try await CInterface.applied(harness) == ["requestDeletion"])
    }

    @Test("calls from eight Java threads at once, then close while they still call")
    func threads() async throws {
        _ = try await Self.run("threads")
    }
}
