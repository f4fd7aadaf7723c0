import Testing
import TestSupport

/// The one file an app ships (`Sources/AccountCoreC/Shipping/build-library`):
/// the Swift runtime linked in, only the C interface exported, on the
/// system's C libraries alone. The other C interface tests, the JNI one
/// included, run against it too (`CInterface.library`).
@Suite("C interface: the shipped file",
       .disabled(if: CInterface.librarySanitized, "a sanitizer run tests its own instrumented build, not the release file"),
       .shippedLibraries(.systemSQLite, .staticSQLite))
struct ShippedLibraryTests {
    /// What an Android or Linux app's loader must find besides the file:
    /// the C and C++ runtimes, the loader, and (unless linked in) SQLite,
    /// and libcurl.
    static let systemLibraries: Set = ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1",
                                       "ld-linux-x86-64.so.2", "libcurl.so.4"]

    /// The `NEEDED` entries of `library`.
    static func needed(_ library: String) async throws -> Set<String> {
        let dynamic = try await run("readelf", ["-d", "-W", library])
        return Set(dynamic.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else {
                return nil
            }
            return String(line[line.index(after: open)..<close])
        })
    }

    /// The symbols `library` exports: defined, global or weak, in its
    /// dynamic symbol table.
    static func exported(_ library: String) async throws -> [String] {
        let table = try await run("readelf", ["--dyn-syms", "-W", library])
        return table.split(separator: "\n").compactMap { line -> String? in
            // Num: Value Size Type Bind Vis Ndx Name
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[4] == "GLOBAL" || fields[4] == "WEAK", fields[6] != "UND" else { return nil }
            return String(fields[7].split(separator: "@").first ?? fields[7])
        }
    }

    @Test("one file, at most 8 MiB stripped, needing only the system's C libraries, SQLite and libcurl, exporting only ac_")
    func singleFile() async throws {
        try await ShippedBuild.ensure(.systemSQLite)
        let size = try #require(fileSize(CInterface.shippedLibrary))
        #expect(size <= 8 << 20, "\(size) bytes: more than 8 MiB")
        let needed = try await Self.needed(CInterface.shippedLibrary)
        #expect(needed == Self.systemLibraries.union(["libsqlite3.so.0"]), "\(needed.sorted())")
        #expect(!needed.contains { $0.hasPrefix("libswift") || $0.contains("Foundation") || $0.hasPrefix("libdispatch") })
        let exported = try await Self.exported(CInterface.shippedLibrary)
        #expect(exported.contains("ac_open") && exported.contains("ac_call"), "\(exported)")
        #expect(exported.filter { !$0.hasPrefix("ac_") } == [])
    }

    @Test("each file stays loaded after dlclose (NODELETE): the runtime's idle threads outlive ac_close",
          arguments: [ShippedVariant.systemSQLite, .staticSQLite])
    func staysLoaded(variant: ShippedVariant) async throws {
        try await ShippedBuild.ensure(variant)
        let dynamic = try await run("readelf", ["--dynamic", "-W", variant.library])
        let flags = dynamic.split(separator: "\n").filter { $0.contains("(FLAGS_1)") }
        #expect(flags.contains { $0.contains("NODELETE") }, "\(flags)")
    }

    @Test("the variant with SQLite linked in (as Android requires) needs no libsqlite3 and exports only ac_")
    func sqliteLinkedIn() async throws {
        let library = CInterface.shippedLibraryWithSQLite
        try await ShippedBuild.ensure(.staticSQLite)
        #expect(try await Self.needed(library) == Self.systemLibraries)
        #expect(try await Self.exported(library).filter { !$0.hasPrefix("ac_") } == [])
    }

    @Test("loaded with dlopen and called through dlsym alone, as Python's ctypes does, each file works",
          arguments: [ShippedVariant.systemSQLite, .staticSQLite])
    func dlopen(variant: ShippedVariant) async throws {
        try await ShippedBuild.ensure(variant)
        let library = variant.library
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = directory.file("dlopen")
        let compiled = try await execute("cc", CInterface.strictFlags + [
            "-I" + CInterface.includeDirectory, "-I" + CInterface.cSources,
            CInterface.cSources + "/dlopen.c", CInterface.cSources + "/json_check.c", "-ldl", "-o", program,
        ])
        try #require(compiled.status == 0, "cc dlopen.c failed:\n\(compiled.errorOutput)")
        let result = try await CInterface.run(program, [library, harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                              seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        #expect(try await CInterface.applied(harness) == ["requestDeletion"])
    }
}
