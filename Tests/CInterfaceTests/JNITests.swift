import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The C interface from Java, as an Android shell binds it: `AccountCore.java`
/// declares the natives, `account_core_jni.c` converts UTF-16 ↔ UTF-8 and
/// frees what the library hands out, `Main.java` reads the status and
/// cancels offline. Run with `-Xcheck:jni`, the desktop twin of Android's
/// CheckJNI, so a misuse of JNI in the shim is fatal or at least reported.
@Suite("C interface: JNI")
struct JNITests {
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

    // Skipped only where no JDK is installed: the JNI layer cannot be built
    // there at all. Every other failure (no library, a compile error, a
    // wrong answer) fails the test.
    @Test("a JNI shim and Java class read the status and queue an offline cancel",
          .enabled(if: JNITests.javaHome != nil, "no JDK (javac and jni.h) is installed"),
          // A JVM loads an AddressSanitizer build only with the ASan runtime
          // preloaded into java itself; the plain suite runs this test.
          .disabled(if: CInterface.librarySanitized, "the JVM cannot load a sanitizer build"))
    func jni() async throws {
        let home = try #require(Self.javaHome)
        try CInterface.requireLibrary()
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()

        let shim = directory.file("libaccount_core_jni.so")
        let compiled = try await execute("cc", CInterface.strictFlags + [
            "-shared", "-fPIC", "-I" + home + "/include", "-I" + home + "/include/linux",
            "-I" + CInterface.includeDirectory, CInterface.javaSources + "/account_core_jni.c",
            "-L" + CInterface.libraryDirectory, "-lAccountCoreC", "-Wl,-rpath," + CInterface.libraryDirectory, "-o", shim,
        ])
        try #require(compiled.status == 0, "cc account_core_jni.c failed:\n\(compiled.errorOutput)")

        let classes = directory.file("classes")
        let javac = try await execute(home + "/bin/javac", [
            "-encoding", "UTF-8", "-Xlint:all", "-Werror", "-d", classes,
            CInterface.javaSources + "/AccountCore.java", CInterface.javaSources + "/Main.java",
        ])
        try #require(javac.status == 0, "javac failed:\n\(javac.errorOutput)\(javac.output)")

        let result = try await CInterface.run(home + "/bin/java", [
            "-Xcheck:jni", "-cp", classes, "Main", shim, harness.emulator.baseURL, token,
            directory.file("store.sqlite"),
        ], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        let printed = result.output + result.errorOutput
        #expect(!printed.contains("WARNING in native method"), "CheckJNI complained:\n\(printed)")
        #expect(!printed.contains("FATAL ERROR in native method"), "CheckJNI aborted:\n\(printed)")
        // The request went out; the cancel was made offline and the core
        // closed before it could be sent, so the server never saw it.
        #expect(try await CInterface.applied(harness) == ["requestDeletion"])
    }
}
