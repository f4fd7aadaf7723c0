import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// `acct` against the harness's emulator, with one store, each command typed
/// as a person types it: `acct --server URL --db …/s.sqlite ARGUMENTS`.
///
/// acct reads the system clock; the harness's emulator reads a manual one.
/// It is set to now before each command, so the server's clock is the
/// device's (within one command), as it is with a real server.
private struct Typist {
    let harness: Harness
    let acct: Acct
    var server: String
    let database: String

    init(_ harness: Harness, language: String = "en_US.UTF-8") throws {
        self.harness = harness
        acct = try Acct(language: language)
        server = harness.emulator.baseURL
        database = acct.home.file("s.sqlite")
    }

    /// `acct --server URL --db PATH arguments…`, with `environment` added to acct's.
    func callAsFunction(_ arguments: String..., environment: [String: String] = [:]) async throws -> ProcessResult {
        try await run(arguments, environment: environment)
    }

    /// The same with `--json`, and the one object it printed.
    func json(_ arguments: String..., environment: [String: String] = [:]) async throws -> (status: Int32, json: JSONValue?) {
        let result = try await run(["--json"] + arguments, environment: environment)
        return (result.status, JSONValue(parsing: result.standardOutput))
    }

    /// The same against another base URL.
    func at(_ url: String) -> Typist {
        var other = self
        other.server = url
        return other
    }

    private func run(_ arguments: [String], environment: [String: String]) async throws -> ProcessResult {
        harness.clock.set(SystemClock().now())
        return try await execute(Acct.binary, ["--server", server, "--db", database] + arguments,
                           environment: acct.environment.merging(environment) { _, added in added })
    }
}

/// A user made through the control API.
private struct ServerUser {
    let id: String
    let token: String
}

extension Harness {
    fileprivate func makeUser(_ username: String? = nil, backend: String = "allmine") async throws -> ServerUser {
        var body: [String: JSONValue] = ["backend": .string(backend)]
        if let username { body["username"] = .string(username) }
        let made = try await control("POST", "users", .object(body))
        let user = ServerUser(id: made["user"]?["id"]?.stringValue ?? "", token: made["token"]?.stringValue ?? "")
        #expect(!user.id.isEmpty && !user.token.isEmpty, "\(made)")
        return user
    }

    /// The user as the server has them.
    fileprivate func serverUser(_ user: ServerUser) async throws -> JSONValue {
        try await control("GET", "users/\(user.id)")["user"] ?? .null
    }

    /// The requests that could change something (everything but GET).
    fileprivate func writes() async throws -> [JSONValue] {
        try await requests().filter { $0["method"] != "GET" }
    }
}

extension JSONValue {
    /// A request's header `name`, as the emulator logged it.
    fileprivate func header(_ name: String) -> String? {
        self["headers"]?.arrayValue?.first { $0.arrayValue?.first?.stringValue?.lowercased() == name.lowercased() }?
            .arrayValue?.last?.stringValue
    }
}

private let outboxPath = "/api/v1/users/me/account-deletion"

@Suite("acct: an account is a person")
struct AcctIdentityTests {
    @Test("Alice's queued operations are not sent with Bob's token; Alice's own token sends them, once each")
    func aliceThenBob() async throws {
        let harness = try Harness()
        let alice = try await harness.makeUser("alice"), bob = try await harness.makeUser("bob")
        let acct = try Typist(harness)

        var result = try await acct("--token", alice.token, "--offline", "rename", "alice_new")
        #expect(result.status == 3, "\(result.errorOutput)")
        #expect(result.output == "Saved. It will be sent when you're back online.\n")
        result = try await acct("--token", alice.token, "--offline", "delete", "request")
        #expect(result.status == 3, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("Saved. It will be sent when you're back online.\n"))

        result = try await acct("--token", bob.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "0 changes sent.\n")
        // Nothing of Alice's left with Bob's token: no write reached the server.
        let writes = try await harness.writes()
        #expect(writes.isEmpty, "\(writes)")
        #expect(try await harness.mutations().isEmpty)
        for (user, name) in [(bob, "bob"), (alice, "alice")] {
            let onServer = try await harness.serverUser(user)
            #expect(onServer["username"] == .string(name))
            #expect(onServer["deletion"]?["status"] == "none")
        }
        // Bob has nothing queued; Alice's two still wait, intact.
        #expect(try await acct("--token", bob.token, "outbox").output == "Nothing is queued.\n")
        result = try await acct("--token", bob.token, "outbox", "--all")
        #expect(result.status == 0)
        let listed = lines(result.output)
        #expect(listed.count == 4, "\(result.output)")
        #expect(listed.first?.hasPrefix("username change · queued · made ") == true, "\(result.output)")
        #expect(listed.dropFirst(2).first?.hasPrefix("deletion request · queued · made ") == true, "\(result.output)")
        #expect(listed.enumerated().filter { $0.offset % 2 == 1 }.allSatisfy { $0.element.hasPrefix("  account: ") },
                "\(result.output)")
        // They are sent (below) as soon as Alice's token comes: the account
        // line must not tell the user they never will be.
        #expect(!result.output.contains("never sent"), "\(result.output)")
        let (status, json) = try await acct.json("--token", bob.token, "outbox", "--all")
        #expect(status == 0)
        let queued = json?["queued"]?.arrayValue ?? []
        #expect(queued.map { $0["kind"] } == ["changeUsername", "requestDeletion"], "\(String(describing: json))")
        #expect(queued.allSatisfy { $0["state"] == "queued" && $0["backend"] == "allmine" && $0["attempts"] == 0 })
        // Whoever they belong to, it is not Bob.
        #expect(queued.allSatisfy { $0["account"] != .string(bob.id) })

        result = try await acct("--token", alice.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "2 changes sent.\n")
        let mutations = try await harness.mutations()
        #expect(mutations.map { $0["action"] } == ["changeUsername", "requestDeletion"], "\(mutations)")
        #expect(mutations.allSatisfy { $0["userId"] == .string(alice.id) }, "\(mutations)")
        let keys = mutations.compactMap { $0["idempotencyKey"]?.stringValue }
        #expect(keys.count == 2 && Set(keys).count == 2, "\(mutations)")
        // Each key left once: one write per operation, none resent.
        #expect(try await harness.writes().compactMap { $0.header("Idempotency-Key") } == keys)
        var onServer = try await harness.serverUser(alice)
        #expect(onServer["username"] == "alice_new")
        #expect(onServer["deletion"]?["status"] == "pending")
        onServer = try await harness.serverUser(bob)
        #expect(onServer["username"] == "bob")
        #expect(onServer["deletion"]?["status"] == "none")
        #expect(try await acct("--token", bob.token, "outbox", "--all").output == "Nothing is queued.\n")
        #expect(try await acct("--token", alice.token, "sync").output == "0 changes sent.\n")
        #expect(try await harness.mutations().count == 2)
    }

    @Test("a cancel queued against an unreachable base URL is sent once on the live one; the cache answers on either")
    func baseURLChangeCancel() async throws {
        let harness = try Harness()
        let carol = try await harness.makeUser("carol")
        let live = try Typist(harness)
        let away = live.at("http://127.0.0.1:1")

        var result = try await live("--token", carol.token, "delete", "request")
        #expect(result.status == 0, "\(result.errorOutput)")
        result = try await away("--token", carol.token, "delete", "cancel")
        #expect(result.status == 3, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("Your cancellation is saved and will be sent when you're back online. It must reach the server by"))
        // The status at the unreachable URL: the cached pending deletion, the cancel laid over it.
        var (status, json) = try await away.json("--token", carol.token, "status")
        #expect(status == 0)
        #expect(json?["source"] == "cache", "\(String(describing: json))")
        #expect(json?["deletion"]?["status"] == "pending", "\(String(describing: json))")
        #expect(json?["queued"]?.arrayValue?.map { $0["kind"] } == ["cancelDeletion"])
        result = try await away("--token", carol.token, "status")
        #expect(result.output.hasPrefix("Your account will be deleted on"), "\(result.output)")
        #expect(result.output.contains("Last known status, from"))
        #expect(try await harness.mutations().map { $0["action"] } == ["requestDeletion"])

        result = try await live("--token", carol.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        #expect(try await live("--token", carol.token, "sync").output == "0 changes sent.\n")
        let mutations = try await harness.mutations()
        #expect(mutations.map { $0["action"] } == ["requestDeletion", "cancelDeletion"], "\(mutations)")
        #expect(mutations.allSatisfy { $0["userId"] == .string(carol.id) })
        let cancels = try await harness.writes().filter { $0["method"] == "DELETE" && $0["path"] == .string(outboxPath) }
        #expect(cancels.count == 1, "\(cancels)")
        #expect(cancels.first?.header("Idempotency-Key") == mutations.last?["idempotencyKey"]?.stringValue)
        #expect(try await harness.serverUser(carol)["deletion"]?["status"] != "pending")
        // The same account at either URL: the unreachable one reads what the live one learned.
        (status, json) = try await away.json("--token", carol.token, "status")
        #expect(json?["source"] == "cache")
        #expect(json?["deletion"]?["status"] == "cancelled", "\(String(describing: json))")
        #expect(json?["queued"] == [])
    }

    @Test("a request refused by a closed port, then its cancel: they cancel out, and the live server sees neither")
    func refusedRequestCancelsOut() async throws {
        let harness = try Harness()
        let erin = try await harness.makeUser("erin")
        let live = try Typist(harness)
        let away = live.at("http://127.0.0.1:1")

        var result = try await away("--token", erin.token, "delete", "request")
        #expect(result.status == 3, "\(result.errorOutput)")
        result = try await away("--token", erin.token, "delete", "cancel")
        #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
        #expect(try await away("--token", erin.token, "outbox", "--all").output == "Nothing is queued.\n")
        result = try await live("--token", erin.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "0 changes sent.\n")
        #expect(try await harness.mutations().isEmpty)
        let writes = try await harness.writes()
        #expect(writes.isEmpty, "\(writes)")
        #expect(try await harness.serverUser(erin)["deletion"]?["status"] == "none")
    }

    @Test("a request queued against an unreachable base URL with a new token is sent once on the live one")
    func baseURLChangeRequest() async throws {
        let harness = try Harness()
        let dave = try await harness.makeUser("dave")
        let live = try Typist(harness)
        let away = live.at("http://127.0.0.1:1")

        var result = try await away("--token", dave.token, "delete", "request")
        #expect(result.status == 3, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("Saved. It will be sent when you're back online.\n"))
        result = try await live("--token", dave.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        #expect(try await live("--token", dave.token, "sync").output == "0 changes sent.\n")
        let mutations = try await harness.mutations()
        #expect(mutations.map { $0["action"] } == ["requestDeletion"], "\(mutations)")
        #expect(mutations.first?["userId"] == .string(dave.id))
        #expect(try await harness.writes().count == 1)
        #expect(try await harness.serverUser(dave)["deletion"]?["status"] == "pending")
        let (status, json) = try await away.json("--token", dave.token, "status")
        #expect(status == 0)
        #expect(json?["source"] == "cache")
        #expect(json?["deletion"]?["status"] == "pending", "\(String(describing: json))")
        #expect(json?["queued"] == [])
    }

    @Test("--account and ACCT_ACCOUNT: Bob's token does not send what Alice queued; exit 5, and why, in English and Turkish")
    func namedAccount() async throws {
        let harness = try Harness()
        let alice = try await harness.makeUser("alice"), bob = try await harness.makeUser("bob")
        let paused = "Sending is paused: the token belongs to another account than the one signed in. Sign in again as the account's owner.\n"
        let pausedTurkish = "Gönderim duraklatıldı: bu oturum, açık olan hesaba değil başka bir hesaba ait. Hesabın sahibi olarak yeniden giriş yapın.\n"

        // --account, in English.
        let english = try Typist(harness)
        var result = try await english("--account", alice.id, "--token", alice.token, "--offline", "delete", "request")
        #expect(result.status == 3, "\(result.errorOutput)")
        result = try await english("--account", alice.id, "--token", bob.token, "sync")
        #expect(result.status == 5, "\(result.output)\(result.errorOutput)")
        #expect(result.output == "0 changes sent.\n1 change is still waiting to be sent.\n" + paused, "\(result.output)")
        // Now the store knows whose Bob's token is: it is refused before anything.
        result = try await english("--account", alice.id, "--token", bob.token, "sync")
        #expect(result.status == 5)
        #expect(result.errorOutput == "This sign-in belongs to another account than the one in the app. Nothing was sent: sign in again.\n"
                + "Sign in again to continue.\n")
        result = try await english("--account", alice.id, "--token", bob.token, "--lang", "tr", "sync")
        #expect(result.status == 5)
        #expect(result.errorOutput == "Bu oturum uygulamadaki hesaba değil, başka bir hesaba ait. Hiçbir şey gönderilmedi: yeniden giriş yapın.\n"
                + "Devam etmek için yeniden giriş yapın.\n")
        var (status, json) = try await english.json("--account", alice.id, "--token", bob.token, "sync")
        #expect(status == 5)
        #expect(json?["error"]?["code"] == "accountMismatch", "\(String(describing: json))")

        // ACCT_ACCOUNT, in Turkish.
        let turkish = try Typist(harness, language: "tr_TR.UTF-8")
        let named = ["ACCT_ACCOUNT": alice.id]
        result = try await turkish("--token", alice.token, "--offline", "delete", "request", environment: named)
        #expect(result.status == 3, "\(result.errorOutput)")
        result = try await turkish("--token", bob.token, "sync", environment: named)
        #expect(result.status == 5, "\(result.output)\(result.errorOutput)")
        #expect(result.output == "0 değişiklik gönderildi.\n1 değişiklik hâlâ gönderilmeyi bekliyor.\n" + pausedTurkish,
                "\(result.output)")

        // ACCT_ACCOUNT, --json: the reason is accountMismatch.
        let asJSON = try Typist(harness)
        result = try await asJSON("--token", alice.token, "--offline", "rename", "alice_new", environment: named)
        #expect(result.status == 3, "\(result.errorOutput)")
        (status, json) = try await asJSON.json("--token", bob.token, "sync", environment: named)
        #expect(status == 5)
        #expect(json?["sent"] == 0 && json?["remaining"] == 1, "\(String(describing: json))")
        #expect(json?["waiting"]?["reason"] == "accountMismatch", "\(String(describing: json))")
        #expect(json?["waiting"]?["message"] == .string(String(paused.dropLast())))

        // Nothing reached either account.
        let writes = try await harness.writes()
        #expect(writes.isEmpty, "\(writes)")
        #expect(try await harness.mutations().isEmpty)
        for (user, name) in [(alice, "alice"), (bob, "bob")] {
            let onServer = try await harness.serverUser(user)
            #expect(onServer["username"] == .string(name))
            #expect(onServer["deletion"]?["status"] == "none")
        }
        // Alice's operations wait for her, and go with her token.
        result = try await english("--account", alice.id, "--token", alice.token, "outbox")
        #expect(result.output.hasPrefix("deletion request · queued · made "), "\(result.output)")
        result = try await asJSON("--token", alice.token, "outbox", environment: named)
        #expect(result.output.hasPrefix("username change · queued · made "), "\(result.output)")
        // (The rename first: a pending deletion locks the account.)
        result = try await asJSON("--token", alice.token, "sync", environment: named)
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        result = try await english("--account", alice.id, "--token", alice.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        let mutations = try await harness.mutations()
        #expect(mutations.map { $0["action"] } == ["changeUsername", "requestDeletion"], "\(mutations)")
        #expect(mutations.allSatisfy { $0["userId"] == .string(alice.id) })
        #expect(try await harness.serverUser(bob)["deletion"]?["status"] == "none")
    }
}

@Suite("acct signout")
struct AcctSignoutTests {
    @Test("signout lists what was not sent, with a cancel's deadline, and keeps it; --discard drops it (English)")
    func english() async throws {
        let harness = try Harness()
        let frank = try await harness.makeUser("frank")
        let acct = try Typist(harness)
        #expect(try await acct("--token", frank.token, "delete", "request").status == 0)
        #expect(try await acct("--token", frank.token, "--offline", "delete", "cancel").status == 3)
        #expect(try await acct("--token", frank.token, "--offline", "rename", "frank_new").status == 3)

        var result = try await acct("--token", frank.token, "signout")
        #expect(result.status == 0, "\(result.errorOutput)")
        var listed = lines(result.output)
        #expect(listed.count == 5, "\(result.output)")
        #expect(listed.first == "Signed out.")
        #expect(listed.dropFirst().first == "2 changes of yours have not been sent yet:")
        #expect(listed.dropFirst(2).first.map { $0.hasPrefix("cancellation · queued · made ") && $0.contains(" · must reach the server by ") } == true,
                "\(result.output)")
        #expect(listed.dropFirst(3).first.map { $0.hasPrefix("username change · queued · made ") && !$0.contains("must reach") } == true,
                "\(result.output)")
        #expect(listed.last == "They stay on this device and are sent when you sign in again.")
        // They stay.
        result = try await acct("--token", frank.token, "outbox")
        #expect(lines(result.output).count == 2, "\(result.output)")

        // The JSON: who, what, each cancel with the deadline the server gave.
        let (status, json) = try await acct.json("--token", frank.token, "signout")
        #expect(status == 0)
        let signedOut = json?["signedOut"]
        #expect(Set(signedOut?.objectValue?.keys.map { $0 } ?? []) == ["account", "unsent", "discarded"], "\(String(describing: json))")
        #expect(signedOut?["account"] == .string(frank.id))
        #expect(signedOut?["discarded"] == false)
        let unsent = signedOut?["unsent"]?.arrayValue ?? []
        #expect(unsent.map { $0["kind"] } == ["cancelDeletion", "changeUsername"])
        #expect(unsent.allSatisfy { $0["account"] == .string(frank.id) && $0["backend"] == "allmine" && $0["state"] == "queued" })
        let canCancelUntil = try await harness.serverUser(frank)["deletion"]?["canCancelUntil"]?.instantValue
        #expect(canCancelUntil != nil)
        #expect(unsent.first?["deadline"]?.instantValue == canCancelUntil, "\(unsent)")
        #expect(unsent.last?["deadline"] == .null)

        result = try await acct("--token", frank.token, "signout", "--discard")
        #expect(result.status == 0, "\(result.errorOutput)")
        listed = lines(result.output)
        #expect(listed.count == 5, "\(result.output)")
        #expect(listed.first == "Signed out.")
        #expect(listed.last == "2 unsent changes were discarded.")
        #expect(try await acct("--token", frank.token, "outbox").output == "Nothing is queued.\n")
        #expect(try await acct("--token", frank.token, "outbox", "--all").output == "Nothing is queued.\n")
        // Discarded means never sent.
        #expect(try await acct("--token", frank.token, "sync").output == "0 changes sent.\n")
        #expect(try await harness.mutations().map { $0["action"] } == ["requestDeletion"])
        #expect(try await harness.serverUser(frank)["username"] == "frank")
        // Nothing left to say now; and with no token, nobody was signed in.
        #expect(try await acct("--token", frank.token, "signout").output == "Signed out.\n")
        #expect(try await acct("signout").output == "Nobody was signed in.\n")
        #expect(try await acct.json("signout").json == ["signedOut": ["account": nil, "unsent": [], "discarded": false]])
    }

    @Test("signout and signout --discard in Turkish; --json --discard")
    func turkish() async throws {
        let harness = try Harness()
        let gul = try await harness.makeUser("gul")
        let acct = try Typist(harness, language: "tr_TR.UTF-8")
        #expect(try await acct("--token", gul.token, "delete", "request").status == 0)
        #expect(try await acct("--token", gul.token, "--offline", "delete", "cancel").status == 3)
        #expect(try await acct("--token", gul.token, "--offline", "rename", "gul_yeni").status == 3)

        var result = try await acct("--token", gul.token, "signout")
        #expect(result.status == 0, "\(result.errorOutput)")
        var listed = lines(result.output)
        #expect(listed.count == 5, "\(result.output)")
        #expect(listed.first == "Oturum kapatıldı.")
        #expect(listed.dropFirst().first == "Henüz gönderilmemiş 2 değişikliğiniz var:")
        #expect(listed.dropFirst(2).first.map { $0.hasPrefix("iptal talebi · sırada · ") && $0.hasSuffix(" tarihine kadar ulaşmalı") } == true,
                "\(result.output)")
        #expect(listed.dropFirst(3).first?.hasPrefix("kullanıcı adı değişikliği · sırada · ") == true, "\(result.output)")
        #expect(listed.last == "Bu cihazda kalırlar ve yeniden giriş yaptığınızda gönderilirler.")
        #expect(await lines(try acct("--token", gul.token, "outbox").output).count == 2)

        result = try await acct("--token", gul.token, "signout", "--discard")
        #expect(result.status == 0, "\(result.errorOutput)")
        listed = lines(result.output)
        #expect(listed.count == 5, "\(result.output)")
        #expect(listed.first == "Oturum kapatıldı.")
        #expect(listed.last == "Gönderilmemiş 2 değişiklik silindi.")
        #expect(try await acct("--token", gul.token, "outbox").output == "Sırada bekleyen bir şey yok.\n")
        #expect(try await acct("--token", gul.token, "sync").output == "0 değişiklik gönderildi.\n")
        #expect(try await acct("--token", gul.token, "signout").output == "Oturum kapatıldı.\n")
        #expect(try await acct("signout").output == "Açık bir oturum yoktu.\n")

        #expect(try await acct("--token", gul.token, "--offline", "rename", "gul_iki").status == 3)
        let (status, json) = try await acct.json("--token", gul.token, "signout", "--discard")
        #expect(status == 0)
        #expect(json?["signedOut"]?["account"] == .string(gul.id), "\(String(describing: json))")
        #expect(json?["signedOut"]?["discarded"] == true)
        #expect(json?["signedOut"]?["unsent"]?.arrayValue?.map { $0["kind"] } == ["changeUsername"])
        #expect(try await acct.json("--token", gul.token, "outbox").json == ["queued": []])
        #expect(try await harness.mutations().map { $0["action"] } == ["requestDeletion"])
    }
}

@Suite("acct: a lost answer and Retry-After")
struct AcctRetryTests {
    @Test("an answer lost after the server applied the request: queued; sync resends at once with the same key, applied once")
    func lostAnswer() async throws {
        let harness = try Harness()
        let hana = try await harness.makeUser("hana")
        let acct = try Typist(harness)
        // Count 2: the request follows GET /users/me on a kept-alive
        // connection, and libcurl resends once on a fresh one.
        try await harness.inject("applyThenClose", "POST", outboxPath, count: 2)

        var result = try await acct("--token", hana.token, "delete", "request")
        let posts = { try await harness.requests().filter { $0["method"] == "POST" && $0["path"] == .string(outboxPath) } }
        let lost = try await posts()
        #expect(lost.count == 2 && lost.allSatisfy { $0["status"] == .null }, "\(lost)")
        // No answer came: the user is told it is saved, not that it is done.
        #expect(result.status == 3, "\(result.output)\(result.errorOutput)")
        #expect(result.output.hasPrefix("Saved. It will be sent when you're back online.\n"), "\(result.output)")
        #expect(try await acct("--token", hana.token, "outbox").output.hasPrefix("deletion request · queued · made "))

        result = try await acct("--token", hana.token, "sync")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        let sent = try await posts()
        #expect(sent.count == 3, "\(sent)")
        #expect(sent.last?["status"] == 200)
        let key = sent.first?.header("Idempotency-Key")
        #expect(key != nil && sent.allSatisfy { $0.header("Idempotency-Key") == key }, "\(sent)")
        let mutations = try await harness.mutations()
        #expect(mutations.count == 1, "\(mutations)")
        #expect(mutations.first?["action"] == "requestDeletion")
        #expect(mutations.first?["userId"] == .string(hana.id))
        #expect(mutations.first?["idempotencyKey"]?.stringValue == key)
        #expect(try await harness.serverUser(hana)["deletion"]?["status"] == "pending")
        #expect(try await acct("--token", hana.token, "sync").output == "0 changes sent.\n")
        #expect(try await posts().count == 3)
    }

    @Test("after a 429 with Retry-After, sync does not send before it has passed, then sends")
    func retryAfter() async throws {
        // Retry-After: 60, far longer than the syncs below take even on a
        // loaded machine (each is a process of its own): none may try again.
        let harness = try Harness()
        let ivan = try await harness.makeUser("ivan")
        let acct = try Typist(harness)
        try await harness.inject("rateLimited", "POST", outboxPath, retryAfter: 60)
        let posts = { try await harness.requests().filter { $0["method"] == "POST" && $0["path"] == .string(outboxPath) } }

        var result = try await acct("--token", ivan.token, "delete", "request")
        #expect(try await posts().map { $0["status"] } == [429])
        #expect(result.status == 3, "\(result.output)\(result.errorOutput)")
        #expect(result.output.hasPrefix("Saved. It will be sent when you're back online.\n"), "\(result.output)")

        result = try await acct("--token", ivan.token, "sync")
        #expect(result.status == 3, "\(result.output)\(result.errorOutput)")
        #expect(result.output.hasPrefix("0 changes sent.\n1 change is still waiting to be sent.\n"), "\(result.output)")
        // 60 s left reads as a minute.
        #expect(result.output.contains(/Next try in (([1-5][0-9]|60) s|1 min)\.\n/), "\(result.output)")
        result = try await acct("--token", ivan.token, "--lang", "tr", "sync")
        #expect(result.status == 3)
        #expect(result.output.contains(/Bir sonraki deneme (([1-5][0-9]|60) sn|1 dk) sonra\.\n/), "\(result.output)")
        // None of these syncs tried again.
        let attempts = try await posts()
        #expect(attempts.count == 1, "\(attempts)")
        #expect(try await harness.mutations().isEmpty)

        // Retry-After: 2, waited out: the next sync sends, with the same key.
        let second = try Harness()
        let jana = try await second.makeUser("jana")
        let other = try Typist(second)
        try await second.inject("rateLimited", "POST", outboxPath, retryAfter: 2)
        result = try await other("--token", jana.token, "delete", "request")
        let answered = SystemClock().now()
        #expect(result.status == 3, "\(result.output)\(result.errorOutput)")
        // The 429 came before `answered`: 2 s after it, Retry-After has passed.
        let wait = answered.adding(seconds: 2.05).seconds(since: SystemClock().now())
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        result = try await other("--token", jana.token, "sync")
        #expect(result.status == 0, "\(result.output)\(result.errorOutput)")
        #expect(result.output == "1 change sent.\n")
        let sent = try await second.requests().filter { $0["method"] == "POST" && $0["path"] == .string(outboxPath) }
        #expect(sent.map { $0["status"] } == [429, 200])
        #expect(Set(sent.map { $0.header("Idempotency-Key") }).count == 1)
        #expect(try await second.mutations().map { $0["userId"] } == [.string(jana.id)])
    }
}

@Suite("acct: erase details and help")
struct AcctEraseAndHelpTests {
    static let english = ["Your personal data has been anonymized.", "Your API keys have been deactivated.",
                          "You have been signed out on every device.", "Your account has been disabled."]
    static let turkish = ["Kişisel verileriniz anonimleştirildi.", "API anahtarlarınız devre dışı bırakıldı.",
                          "Tüm cihazlardaki oturumlarınız kapatıldı.", "Hesabınız devre dışı bırakıldı."]

    @Test("Ovok's scheduled deletion keeps whom the server said it acted on: id, names, e-mail, project")
    func ovokUser() async throws {
        let acct = try Acct()
        let (status, json) = try await acct.json("--backend", "ovok", "delete", "request", "--days", "10")
        #expect(status == 0)
        let user = try #require(json?["user"])
        #expect(user["id"] == .string(Emulator.demoUserID(of: .ovok)))
        #expect(user["firstName"] == "Max")
        #expect(user["lastName"] == "Mustermann")
        #expect(user["email"] == "max.mustermann@example.com")
        #expect(user["project"]?["display"] == "My Medical Project")
        #expect(user["project"]?["reference"]?.stringValue?.hasPrefix("Project/") == true)
        #expect(json?["deletion"]?["status"] == "pending")
    }

    @Test("Mudbase's erase says in words each detail the server reported, in English and Turkish",
          arguments: ["en_US.UTF-8", "tr_TR.UTF-8"])
    func eraseDetails(language: String) async throws {
        let turkish = language.hasPrefix("tr")
        let details = turkish ? Self.turkish : Self.english
        let first = turkish ? "Silme işlemi başladı: verileriniz " : "Erasure started: your data will be deleted on "
        let warning = turkish ? "Bu işlem kişisel verilerinizi siler. Geri alınamaz." : "This erases your personal data. It can't be undone."
        // On the embedded emulator.
        let acct = try Acct(language: language)
        var result = try await acct("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(result.status == 0, "\(result.errorOutput)")
        // What it will do and that it can't be undone, then what it did.
        var listed = lines(result.output)
        #expect(listed.count == 7, "\(result.output)")
        #expect(listed.dropFirst().first == warning, "\(result.output)")
        #expect(listed.dropFirst(2).first?.hasPrefix(first) == true, "\(result.output)")
        #expect(Array(listed.dropFirst(3)) == details, "\(result.output)")

        // On a server, as a Mudbase user made there.
        let harness = try Harness()
        let user = try await harness.makeUser(backend: "mudbase")
        let other = try Typist(harness, language: language)
        result = try await other("--backend", "mudbase", "--token", user.token, "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(result.status == 0, "\(result.errorOutput)")
        listed = lines(result.output)
        #expect(Array(listed.dropFirst(3)) == details, "\(result.output)")
        #expect(try await harness.serverUser(user)["deletion"]?["status"] == "pending")
        #expect(try await harness.mutations().map { $0["action"] } == ["erase"])
    }

    @Test("--json erase carries the details")
    func eraseJSON() async throws {
        let acct = try Acct()
        let (status, json) = try await acct.json("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(status == 0)
        #expect(json?["erasure"]?["details"] == ["dataAnonymized": true, "apiKeysDeactivated": true,
                                                  "sessionsDeleted": true, "accountDisabled": true],
                "\(String(describing: json))")
    }

    @Test("--help lists signout, outbox and --account ID, in English and Turkish",
          arguments: [("en_US.UTF-8", ["sign out; say what was not sent yet (--discard drops it)",
                                       "list what is queued, failed or missed (--all: every account's)",
                                       "the back end's user id of who signs in [ACCT_ACCOUNT]"]),
                      ("tr_TR.UTF-8", ["oturumu kapatın; henüz gönderilmeyenleri görün (--discard onları siler)",
                                       "sırada bekleyenleri, reddedilenleri ve süresi geçenleri listeleyin (--all: tüm hesaplarınkini)",
                                       "giriş yapan kullanıcının arka uçtaki kimliği [ACCT_ACCOUNT]"])])
    func help(language: String, texts: [String]) async throws {
        let acct = try Acct(language: language)
        let result = try await acct("--help")
        #expect(result.status == 0)
        // A description may wrap over lines: read it as one.
        let help = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for (entry, text) in zip(["signout", "outbox", "--account ID"], texts) {
            #expect(help.contains(" " + entry + " " + text), "\(entry): \(result.output)")
        }
    }
}
