import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The JNI binding (`Sources/AccountCoreJNI`), built as an Android app
/// builds it: `account_core_jni.c` into `libAccountCoreJNI.so` linked to the
/// library under test, the classes of `org.accountcore` with the sample
/// transport and the test programs of `Tests/CInterfaceTests/java`. Every
/// program runs with `-Xcheck:jni`, the desktop twin of Android's CheckJNI,
/// so a misuse of JNI in the binding is fatal or at least reported.
enum JavaBinding {
    /// The JDK home: `$JAVA_HOME` when it has `javac`, else the one whose
    /// `javac` is first on `PATH`; nil when no JDK is installed.
    static let javaHome: String? = {
        if let home = getenv("JAVA_HOME").map({ String(cString: $0) }), fileExists(home + "/bin/javac") {
            return home
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin"
        for folder in path.split(separator: ":") where fileExists(folder + "/javac") {
            // /usr/bin/javac is a chain of links into the JDK: follow it.
            guard let resolved = realpath(folder + "/javac", nil) else { continue }
            defer { free(resolved) }
            var home = String(cString: resolved)
            for _ in 0..<2 { home = String(home[..<(home.lastIndex(of: "/") ?? home.startIndex)]) }
            if fileExists(home + "/include/jni.h") { return home }
        }
        return nil
    }()

    /// The binding, as an app copies it in.
    static let product = packageRoot + "/Sources/AccountCoreJNI"
    /// Its Java classes, and the sample transport.
    static let javaSources = ["AccountCore", "AccountCoreException", "CallResult", "EventListener", "Transport",
                              "TransportFailure", "TransportRequest"].map { product + "/java/org/accountcore/\($0).java" }
        + [product + "/samples/org/accountcore/samples/HttpClientTransport.java"]
    /// The test programs.
    static let testSources = ["Checks", "Main", "TransportMain"].map { CInterface.javaSources + "/\($0).java" }

    /// Builds the binding and the test programs into `directory`: the JNI
    /// library's path and the classes' folder.
    static func build(in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> (library: String, classes: String) {
        let home = try #require(javaHome, sourceLocation: sourceLocation)
        try await CInterface.requireLibrary(sourceLocation: sourceLocation)
        let library = directory.file("libAccountCoreJNI.so")
        let compiled = try await execute("cc", CInterface.strictFlags + [
            "-shared", "-fPIC", "-I" + home + "/include", "-I" + home + "/include/linux",
            "-I" + CInterface.includeDirectory, product + "/account_core_jni.c",
            "-L" + CInterface.libraryDirectory, "-lAccountCoreC", "-Wl,-rpath," + CInterface.libraryDirectory, "-lpthread",
            "-o", library,
        ])
        try #require(compiled.status == 0, "cc account_core_jni.c failed:\n\(compiled.errorOutput)", sourceLocation: sourceLocation)
        let classes = directory.file("classes")
        let javac = try await execute(home + "/bin/javac", ["-encoding", "UTF-8", "-Xlint:all", "-Werror", "-d", classes]
                                      + javaSources + testSources)
        try #require(javac.status == 0, "javac failed:\n\(javac.errorOutput)\(javac.output)", sourceLocation: sourceLocation)
        return (library, classes)
    }

    /// Runs `mainClass` with `arguments` under CheckJNI, at most `seconds`.
    static func run(_ mainClass: String, _ arguments: [String], library: String, classes: String,
                    seconds: Int = 120) async throws -> ProcessResult {
        let home = try #require(javaHome)
        return try await CInterface.run(home + "/bin/java", ["-Xcheck:jni", "-Dorg.accountcore.jni=" + library, "-cp", classes,
                                                            mainClass] + arguments, seconds: seconds)
    }

    /// Fails the test for a complaint of CheckJNI in what the program printed.
    static func expectCleanJNI(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        let printed = result.output + result.errorOutput
        for complaint in ["WARNING in native method", "FATAL ERROR in native method", "JNI local refs"] {
            #expect(!printed.contains(complaint), "CheckJNI: \(complaint)\n\(printed)", sourceLocation: sourceLocation)
        }
    }
}

/// The JNI binding with the library's own HTTP (libcurl).
@Suite("C interface: JNI", .shippedLibrary)
struct JNITests {
    // Skipped only where no JDK is installed: the JNI layer cannot be built
    // there at all. Every other failure (no library, a compile error, a
    // wrong answer) fails the test.
    @Test("the JNI binding reads the status and queues an offline cancel; an emoji survives, a lone surrogate is refused",
          .enabled(if: JavaBinding.javaHome != nil, "no JDK (javac and jni.h) is installed"),
          // A JVM loads an AddressSanitizer build only with the ASan runtime
          // preloaded into java itself; the plain suite runs this test.
          .disabled(if: CInterface.librarySanitized, "the JVM cannot load a sanitizer build"))
    func jni() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let (library, classes) = try await JavaBinding.build(in: directory)
        let result = try await JavaBinding.run("Main", [harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                               library: library, classes: classes)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 120))")
        JavaBinding.expectCleanJNI(result)
        // The request went out; the cancel was made offline and the core
        // closed before it could be sent, so the server never saw it.
        #expect(try await CInterface.applied(harness) == ["requestDeletion"])
    }
}
