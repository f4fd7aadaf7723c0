@testable import AccountCore
import CurlTransport
import AccountEmulator
import AccountSession
import Allmine
import FoundationEssentials
import Mudbase
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Hardening: secrets and access")
struct SecretTests {
    @Test("no token in the database, the WAL, the audit trail, the outbox, events, error texts or the emulator's logs")
    func tokensStayInMemory() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let token = try harness.token(.allmine)
        let store = try AccountStore(path: directory.file("data/store.sqlite"), createDirectory: true)
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                transport: CurlTransport(), clock: harness.clock),
                                          token: token)
        let engine = SyncEngine(store: store, sender: client)
        // What an app would log: every event the engine announces.
        let events = engine.events
        var texts: [String] = []
        _ = try await engine.requestDeletion(reason: "bye")
        _ = try await client.profile()
        engine.setOnline(false)
        _ = try await engine.cancelDeletion()
        engine.setOnline(true)
        _ = try await engine.sync()
        try await harness.inject("serverError", "GET", "/api/v1/users/me")
        do { _ = try await client.profile() } catch { texts.append("\(error)"); texts.append(error.detail ?? "") }
        let stranger = try AuthorizedSender(store: store,
                                            client: AccountClient(backend: AllmineBackend(),
                                                                  configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1"),
                                                                  transport: CurlTransport()),
                                            token: token)
        do { _ = try await stranger.profile() } catch { texts.append("\(error)"); texts.append(error.detail ?? "") }
        let bad = try AuthorizedSender(store: store,
                                       client: AccountClient(backend: AllmineBackend(),
                                                             configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                             transport: CurlTransport()),
                                       token: "wrong-\(token)")
        do { _ = try await bad.profile() } catch { texts.append("\(error)"); texts.append(error.detail ?? "") }
        // Every event is buffered by now; the reader takes them and then
        // waits for more until it is cancelled.
        let reader = Task { var seen: [String] = []; for await event in events { seen.append("\(event)") }; return seen }
        try await Task.sleep(for: .milliseconds(200))
        reader.cancel()
        let announced = await reader.value
        #expect(announced.contains { $0.contains("operationSynced") }, "\(announced)")
        texts += announced
        texts += try store.auditTrail(for: client.signedInAccount).map { "\($0)" }
        texts += try store.outbox(for: client.signedInAccount).map { "\($0)" }
        texts.append(String(decoding: JSONValue.array(try await harness.requests()).encoded, as: UTF8.self))
        for text in texts { #expect(!text.contains(token), "token in: \(text)") }
        let files = [store.path, store.path + "-wal", store.path + "-shm"]
        #expect(contents(of: store.path + "-wal") != nil, "the WAL must be there to be searched")
        for file in files {
            #expect(!(contents(of: file).map { contains($0, token) } ?? false), "token in \(file)")
        }
        // The emulator's own state keeps only a hash.
        #expect(try await !String(decoding: JSONValue.array(harness.mutations()).encoded, as: UTF8.self).contains(token))
    }

    @Test("a JWT is in no file, whole or in parts: the store keeps a keyed fingerprint, from which it cannot be read")
    func tokenPartsStayInMemory() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        // A token as the real back ends issue them: three base64url parts.
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let payload = #"{"sub":"u-7f3a9c","name":"Alice Example","iat":1775217600}"#
        let parts = [Self.base64URL(header), Self.base64URL(payload), Self.base64URL("signature-bytes-0123456789")]
        let token = parts.joined(separator: ".")
        let store = try AccountStore(path: path)
        // Named by the host, queued offline, then refused by the server
        // (the emulator did not issue it), signed out and in again.
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                transport: CurlTransport(), clock: harness.clock),
                                          token: token, account: "u-7f3a9c")
        let engine = SyncEngine(store: store, sender: client, online: false)
        _ = try await engine.requestDeletion(reason: "bye")
        _ = try await engine.changeUsername(to: "alice_next")
        engine.setOnline(true)
        _ = try? await engine.sync()
        _ = try engine.signOut()
        try engine.signIn(account: nil, token: token)
        #expect(try store.outboxOfEveryone().count == 2)
        // What the store keeps instead: one fingerprint, 64 hex digits.
        let fingerprints = try store.read { database in
            try database.query("SELECT fingerprint FROM credential") { row in row.text(0) }
        }
        #expect(fingerprints.count == 1)
        #expect(fingerprints.allSatisfy { $0.utf8.count == 64 && !$0.contains(parts[0]) })
        let secrets = [token, parts[0], parts[1], parts[2], Self.base64(token), Self.base64URL(token),
                       #""sub":"u-7f3a9c","name""#, "Alice Example", "signature-bytes"]
        let files = [path, path + "-wal", path + "-shm", path + "-drain.lock"]
        #expect(contents(of: path + "-wal") != nil, "the WAL must be there to be searched")
        for file in files {
            let bytes = contents(of: file) ?? []
            for secret in secrets { #expect(!contains(bytes, secret), "\(secret) in \(file)") }
        }
    }

    /// Standard base64 with padding.
    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var output = ""
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start..<min(start + 3, bytes.count)]) + [0, 0]
            let value = Int(chunk[0]) << 16 | Int(chunk[1]) << 8 | Int(chunk[2])
            let count = min(3, bytes.count - start) + 1
            for index in 0..<4 { output.append(index < count ? alphabet[(value >> (18 - 6 * index)) & 63] : "=") }
        }
        return output
    }

    /// base64url without padding, as JWTs are written.
    static func base64URL(_ text: String) -> String {
        String(base64(text).compactMap { $0 == "=" ? nil : $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    @Test("no token in crash output: a drainer that dies mid-request leaves a report without it")
    func crashOutput() async throws {
        let drainer = buildDirectory + "/sync-drainer"
        #expect(fileExists(drainer), "build the package first: swift build")
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let token = try harness.token(.allmine)
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                transport: CurlTransport()),
                                          token: token)
        try store.enqueue(OutboxOperation(account: client.signedInAccount, payload: .requestDeletion(reason: nil, days: nil, wipe: nil),
                                          createdAt: start))
        // The answer is held back, so the child dies with the token in its
        // request headers, in memory (and in its argv). The report dumps
        // the crashed thread's registers and 16 bytes at each, not the
        // transfer's heap: this guards against anything that prints the
        // token on the way down, and against a report that dumps more.
        // Far longer than the test needs (the child crashes as soon as it is
        // told to, and the log shows the request as it arrives): under the
        // load of the whole suite this task may wait seconds for a thread,
        // and the child must still be waiting when it is told.
        // Every POST, not only the first: on a machine loaded many times
        // over, this task was once starved past the child's 30 s transfer
        // timeout, the child retried, its second POST was answered, and it
        // ended before it was told to crash.
        try await harness.inject("delay", "POST", "/api/v1/users/me/account-deletion", count: 10_000, delayMs: 120_000)
        let report = directory.file("stderr")
        // The Swift runtime's backtracer writes the crash report to standard
        // error. A byte on the child's standard input makes it crash.
        // A socket pair, not a pipe: a send to a child gone already must
        // fail (MSG_NOSIGNAL), not SIGPIPE the whole test process.
        var trigger: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &trigger) == 0)
        defer { close(trigger[1]) }
        let child = try spawn("/bin/sh", ["-c", #"exec env SWIFT_BACKTRACE=enable=yes,interactive=no "# +
                                          #"SYNC_DRAINER_CRASH_ON_INPUT=1 "$0" "$1" "$2" "$3" 2>"$4""#,
                                          drainer, store.path, harness.emulator.baseURL, token, report],
                              standardInput: trigger[0])
        close(trigger[0])
        let deadline = ContinuousClock.now + .seconds(30)
        // The delayed request itself, not the identity check (GET /users/me)
        // before it: the token must be in flight when the child dies.
        func sentTheDelayedOne() async throws -> Bool {
            try await harness.requestsInMemory().contains { $0["method"] == "POST" }
        }
        while try await !sentTheDelayedOne(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        try #require(try await sentTheDelayedOne(), "the child never sent its request")
        let sent = send(trigger[1], "x", 1, Int32(MSG_NOSIGNAL))
        try #require(sent == 1, "the child is gone already (errno \(errno))")
        let exit = try await waitFor(child)
        // Dead of its trap (128 + the signal), or, in an AddressSanitizer
        // build, by the sanitizer's handler (exit 1): not a normal end.
        #expect(exit != 0, "the child did not crash")
        let output = String(decoding: contents(of: report) ?? [], as: UTF8.self)
        // (Not run under ThreadSanitizer, whose checks the crash handler
        // trips now and then, leaving no report: see .ci/run.)
        #expect(output.contains("crashed on purpose") && output.contains(": Backtracing"),
                "no crash report to search (exit \(exit)):\n\(output)")
        // The report dumps 16 bytes at each register, so look for any 12
        // characters of the token's random part, not only the whole token.
        let secret = Array(token.suffix(64))
        for offset in 0...(secret.count - 12) {
            let piece = String(secret[offset..<(offset + 12)])
            #expect(!output.contains(piece), "part of the token in the crash report:\n\(output)")
        }
    }

    @Test("files 0600 and the directory 0700, the drain lock too")
    func permissions() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("private/deeper/store.sqlite")
        let store = try AccountStore(path: path, createDirectory: true)
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1"),
                                                                transport: CurlTransport()),
                                          token: "t")
        _ = try await SyncEngine(store: store, sender: client, online: false).requestDeletion()
        _ = try await SyncEngine(store: store, sender: client).sync()
        #expect(mode(of: directory.file("private")) == 0o700)
        #expect(mode(of: directory.file("private/deeper")) == 0o700)
        for suffix in ["", "-wal", "-shm", "-drain.lock"] {
            #expect(mode(of: path + suffix) == 0o600, "\(suffix)")
        }
    }

    @Test("TLS verification cannot be turned off: https to a server without a valid certificate fails")
    func tlsAlwaysVerified() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let url = "https://" + harness.emulator.baseURL.dropFirst("http://".count)
        let client = try AuthorizedSender(store: store,
                                          client: AccountClient(backend: AllmineBackend(),
                                                                configuration: ClientConfiguration(baseURL: url),
                                                                transport: CurlTransport()),
                                          token: try harness.token(.allmine))
        do {
            _ = try await client.profile()
            Issue.record("an unverified TLS exchange succeeded")
        } catch {
            #expect(error.code == .network)
        }
        #expect(try await harness.requests().isEmpty)
        // No configuration value or option exists to skip verification
        // (`allowInsecureHTTP` allows http:// off the device; https is verified all the same).
        #expect(!SessionConfiguration.keys.contains {
            $0 != "allowInsecureHTTP" && ($0.lowercased().contains("insecure") || $0.lowercased().contains("verify"))
        })
    }

    @Test("the emulator binds loopback only, unless asked")
    func loopbackOnly() async throws {
        #expect(throws: EmulatorError.self) { try Emulator(configuration: .init(host: "0.0.0.0")) }
        #expect(throws: EmulatorError.self) { try Emulator(configuration: .init(host: "192.168.1.10")) }
        // Asked, it binds every address, and answers there.
        let open = try Emulator(configuration: .init(host: "0.0.0.0", allowNonLoopback: true))
        defer { open.stop() }
        let reply = try await execute("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}",
                                                  "http://127.0.0.1:\(open.port)/api/v1/users/me"])
        #expect(reply.output == "401")
    }

    @Test("a Mudbase API key is never sent to erase")
    func apiKeyNeverSent() async throws {
        let harness = try Harness()
        let directory = try TemporaryDirectory()
        let key = try #require(try await harness.control("POST", "tokens", ["userId": "usr_morgan_de", "kind": "apiKey"])["token"]?.stringValue)
        let client = try AuthorizedSender(store: try AccountStore(path: directory.file("store.sqlite")),
                                          client: AccountClient(backend: MudbaseBackend(),
                                                                configuration: ClientConfiguration(baseURL: harness.emulator.baseURL),
                                                                transport: CurlTransport()),
                                          token: key)
        do {
            _ = try await client.erase(confirmation: "DELETE_MY_ACCOUNT")
            Issue.record("the erase went ahead with an API key")
        } catch {
            #expect(error.code == .unauthorized)
            #expect(!(error.detail ?? "").contains(key))
        }
        #expect(try await harness.requests().isEmpty)
    }
}
