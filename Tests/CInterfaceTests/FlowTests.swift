import FoundationEssentials
import Testing
import TestSupport

/// The whole story of one account through `account_core.h`, driven by a C
/// program (`c/flow.c`): request, status, offline cancel with its deadline,
/// delivery on reconnect (seen as an event), sync, a Turkish refusal, the
/// final status; every string freed, the core closed.
@Suite("C interface: the whole flow", .shippedLibrary)
struct FlowTests {
    @Test("a C program requests, cancels offline, syncs on reconnect, and the server applies each once")
    func flow() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("flow", in: directory)
        let database = directory.file("store.sqlite")

        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, database], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        // The server's own record: the request, then the offline cancel,
        // each applied exactly once.
        #expect(try await CInterface.applied(harness) == ["requestDeletion", "cancelDeletion"])
        // The header: the store is created 0600 (it holds the user's queue).
        #expect(mode(of: database) == 0o600)
        // The header: the token is "kept in memory only": not in the store,
        // its journal or anything beside it.
        let files = try await run("/bin/ls", ["-a", directory.path]).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("store.sqlite") }
        #expect(files.contains("store.sqlite"), "\(files)")
        for file in files {
            #expect(!contains(contents(of: directory.file(file)) ?? [], token), "the token is in \(file)")
        }
    }

    /// Memcheck over the same flow: no invalid read or write, no use of
    /// uninitialized memory, no definite leak (what the Swift runtime,
    /// libdispatch, libcurl, OpenSSL and SQLite keep for the process's life
    /// shows as "still reachable" or "possibly lost", which is allowed).
    // Valgrind cannot run a sanitizer build (both replace malloc and more);
    // the sanitizer run checks memory its own way, the plain suite runs this.
    @Test("the flow under valgrind: no memory errors and no definite leaks", .timeLimit(.minutes(6)),
          .disabled(if: CInterface.librarySanitized, "valgrind and the sanitizers exclude each other"))
    func flowUnderValgrind() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        // It runs the optimized library the shipped file is stripped from
        // (CInterface.libraryForValgrind), with the suppressions of
        // Tests/valgrind.supp, each explained there.
        try await CInterface.libraryForValgrind(in: directory)
        let program = try await CInterface.compile("flow", in: directory, libraryDirectory: directory.path)
        var arguments = CInterface.valgrindOptions
        // Memcheck runs the program many times slower (the flow takes some
        // 4 s under it on an idle machine, far more on a busy one): it may
        // wait up to 120 s for the delivery, the whole run up to 300 s.
        arguments += [program, harness.emulator.baseURL, token, directory.file("store.sqlite"), "120"]

        let result = try await CInterface.run("valgrind", arguments, seconds: 300)
        // Memcheck's verdict (99 is its error exit code) apart from the
        // flow's own checks, which fail with 1 and print what failed.
        #expect(result.status != 99 && result.errorOutput.contains("ERROR SUMMARY: 0 errors"),
                "memcheck found errors or definite leaks:\n\(result.errorOutput.suffix(20_000))")
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 300))")
        #expect(try await CInterface.applied(harness) == ["requestDeletion", "cancelDeletion"])
    }
}
