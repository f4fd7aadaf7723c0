import AccountCore
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An account is a person (issue 14), through `account_core.h`: a C program
/// (`c/identity.c`) signs Alice and Bob in and out of one core on one store
/// file, and the emulator's own records show what reached the server, and
/// for whom. The program stops at a checkpoint while Bob is signed in so
/// that the server can be looked at before Alice comes back.
@Suite("C interface: who is signed in", .shippedLibrary)
struct IdentityTests {
    /// A user the emulator made, with a session token of theirs.
    struct Person {
        let id: String
        let token: String
    }

    @Test("Alice's offline operations wait while Bob is signed in, then go once under her token (the core learns whose each token is)")
    func learned() async throws {
        try await twoPeople("learned")
    }

    @Test("the same with the host naming each user; Bob's token given for Alice is refused (accountMismatch)")
    func named() async throws {
        try await twoPeople("named")
    }

    @Test("ac_sign_in refuses bad input; \"account\" in ac_open names the user; signOut answers the unsent operations, and with discard removes them")
    func edges() async throws {
        let (harness, _) = try CInterface.emulator()
        let alice = try await Self.person(harness, "alice"), bob = try await Self.person(harness, "bob")
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("identity", in: directory)

        let result = try await Self.runScene(program, "edges", harness: harness, alice: alice, bob: bob, in: directory)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 90))")
        // The request made online went; what was discarded never did.
        let mutations = try await harness.mutations()
        #expect(mutations.compactMap { $0["action"]?.stringValue } == ["requestDeletion"], "\(mutations)")
        #expect(mutations.allSatisfy { $0["userId"]?.stringValue == alice.id }, "\(mutations)")
        // The refused CR/LF tokens reached no request: none carries their field.
        let requests = try await harness.requests()
        #expect(!requests.isEmpty)
        #expect(!requests.contains { $0["headers"]?.arrayValue?.contains { $0.arrayValue?.first == "X-Injected" } == true },
                "\(requests)")
        let server = try await Self.user(harness, alice)
        #expect(server["username"]?.stringValue == "alice", "\(server)")
        #expect(server["deletion"]?["status"]?.stringValue == "pending", "\(server)")
        try await Self.expectUntouched(harness, bob, "bob")
    }

    /// The issue's story in `scene` ("learned" or "named"), and what the
    /// server saw of it.
    private func twoPeople(_ scene: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (harness, _) = try CInterface.emulator()
        let alice = try await Self.person(harness, "alice"), bob = try await Self.person(harness, "bob")
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("identity", in: directory)

        let result = try await Self.runScene(program, scene, harness: harness, alice: alice, bob: bob, in: directory,
                                  checkpoints: ["bob"], sourceLocation: sourceLocation) { _ in
            // Bob is signed in, online, and has synced: his account is as it
            // was, nothing was applied, and nothing but "whose is this
            // token?" reached the server.
            try await Self.expectUntouched(harness, bob, "bob", sourceLocation: sourceLocation)
            try await Self.expectUntouched(harness, alice, "alice", sourceLocation: sourceLocation)
            let mutations = try await harness.mutations()
            #expect(mutations.isEmpty, "applied while Bob was signed in: \(mutations)", sourceLocation: sourceLocation)
            let requests = try await harness.requests()
            let others = requests.filter { !Self.isWhoAmI($0) }
            #expect(others.isEmpty, "sent while Bob was signed in: \(others)", sourceLocation: sourceLocation)
            // Alice was offline all along: only Bob's token was asked about,
            // and only when the core had to learn whose it is.
            let whoAmI = requests.filter(Self.isWhoAmI)
            #expect(whoAmI.count == (scene == "learned" ? 1 : 0), "GET /api/v1/users/me: \(whoAmI)",
                    sourceLocation: sourceLocation)
        }
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 90))", sourceLocation: sourceLocation)

        // Exactly Alice's two operations, in order, each applied once, to her.
        let mutations = try await harness.mutations()
        #expect(mutations.compactMap { $0["action"]?.stringValue } == ["changeUsername", "requestDeletion"],
                "\(mutations)", sourceLocation: sourceLocation)
        #expect(mutations.allSatisfy { $0["userId"]?.stringValue == alice.id }, "\(mutations)",
                sourceLocation: sourceLocation)
        let keys = mutations.compactMap { $0["idempotencyKey"]?.stringValue }
        #expect(keys.count == 2 && Set(keys).count == 2, "idempotency keys: \(keys)", sourceLocation: sourceLocation)
        let server = try await Self.user(harness, alice)
        #expect(server["username"]?.stringValue == "alice_new", "\(server)", sourceLocation: sourceLocation)
        #expect(server["deletion"]?["status"]?.stringValue == "pending", "\(server)", sourceLocation: sourceLocation)
        try await Self.expectUntouched(harness, bob, "bob", sourceLocation: sourceLocation)

        // The core asked whose a token is once per new token: Bob's, then
        // Alice's; and sent each mutation once (no retry was needed).
        let requests = try await harness.requests()
        let whoAmI = requests.filter(Self.isWhoAmI)
        #expect(whoAmI.count == 2, "GET /api/v1/users/me: \(whoAmI)", sourceLocation: sourceLocation)
        let sends = requests.filter { $0["method"]?.stringValue != "GET" }
        #expect(sends.count == 2, "mutating requests: \(sends)", sourceLocation: sourceLocation)

        // The store keeps a keyed fingerprint of a token, never the token.
        let files = try await run("/bin/ls", ["-a", directory.path]).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("store.sqlite") }
        #expect(files.contains("store.sqlite"), "\(files)", sourceLocation: sourceLocation)
        for file in files {
            let bytes = contents(of: directory.file(file)) ?? []
            #expect(!contains(bytes, alice.token) && !contains(bytes, bob.token), "a token is in \(file)",
                    sourceLocation: sourceLocation)
        }
    }

    // MARK: Helpers

    /// Makes an Allmine user `username` with a session token.
    static func person(_ harness: Harness, _ username: String) async throws -> Person {
        let made = try await harness.control("POST", "users", ["backend": "allmine", "username": .string(username)])
        return Person(id: try #require(made["user"]?["id"]?.stringValue, "\(made)"),
                      token: try #require(made["token"]?.stringValue, "\(made)"))
    }

    /// The server's record of `person`.
    static func user(_ harness: Harness, _ person: Person) async throws -> JSONValue {
        try #require(try await harness.control("GET", "users/\(person.id)")["user"])
    }

    /// `person` is as the emulator made them: named `username`, no deletion.
    static func expectUntouched(_ harness: Harness, _ person: Person, _ username: String,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let server = try await user(harness, person)
        #expect(server["username"]?.stringValue == username, "\(server)", sourceLocation: sourceLocation)
        #expect(server["deletion"]?["status"]?.stringValue == "none", "\(server)", sourceLocation: sourceLocation)
        #expect(server["usernameChangedAt"] == .null, "\(server)", sourceLocation: sourceLocation)
    }

    /// Whether a logged request is Allmine's "whose is this token?".
    static func isWhoAmI(_ request: JSONValue) -> Bool {
        request["method"]?.stringValue == "GET" && request["path"]?.stringValue == "/api/v1/users/me"
    }

    /// Runs `identity SCENE ...` on one store in `directory`. At each of
    /// `checkpoints`, once the program has reached it, calls `check` with
    /// its name and then lets the program go on. A failing check still lets
    /// it go, and the program is waited for before the failure is thrown.
    static func runScene(_ program: String, _ scene: String, harness: Harness, alice: Person, bob: Person,
                    in directory: TemporaryDirectory, checkpoints: [String] = [], seconds: Int = 90,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    check: (String) async throws -> Void = { _ in }) async throws -> ProcessResult {
        let arguments = [scene, harness.emulator.baseURL, directory.file("store.sqlite"), alice.id, alice.token,
                         bob.id, bob.token, directory.path]
        let exited = directory.file("exited")
        let child = Task {
            defer { try? write([], to: exited) }
            return try await CInterface.run(program, arguments, seconds: seconds)
        }
        var failure: (any Error)?
        for name in checkpoints {
            let reached = directory.file(name + ".reached")
            while !fileExists(reached), !fileExists(exited) { try await Task.sleep(for: .milliseconds(20)) }
            guard fileExists(reached) else {
                Issue.record("the program ended before checkpoint \(name)", sourceLocation: sourceLocation)
                break
            }
            do { try await check(name) } catch { failure = error }
            try? write([], to: directory.file(name + ".go"))
            if failure != nil { break }
        }
        let result = await child.result
        if let failure { throw failure }
        return try result.get()
    }
}
