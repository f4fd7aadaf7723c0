@testable import AccountCore
import AccountSession
import Testing
import TestSupport

/// `ac_call("status")` writes its answer straight to bytes (issue 18); the
/// bytes must be exactly what the general writer writes for the same value,
/// keys sorted and strings escaped the same way.
@Suite("Calls: the status written straight to bytes")
struct StatusBytesTests {
    @Test("with a pending deletion, queued operations of every kind and texts that need escaping")
    func sameBytesAsTheGeneralWriter() throws {
        let directory = try TemporaryDirectory()
        let configuration = try SessionConfiguration.parse([
            "backend": "allmine", "baseURL": "http://127.0.0.1:1", "databasePath": .string(directory.file("store.sqlite")),
            "account": "u-ş\"1",
        ])
        let session = try Session(configuration: configuration, token: "token-of-u1", online: false)
        let account = try #require(session.engine.account)
        try session.store.write { database in
            try database.saveCache(DeletionStatus(state: .pending, requestedAt: start,
                                                  scheduledFor: start.adding(seconds: 28 * 86_400),
                                                  canCancelUntil: start.adding(seconds: 28 * 86_400), isLocked: true),
                                   for: account, in: session.store.environment, source: .server, asOf: start)
        }
        var failed = OutboxOperation(account: account, payload: .requestDeletion(reason: "bye\n\u{1}", days: nil, wipe: nil),
                                     createdAt: start, environment: session.store.environment)
        failed.state = .failed
        failed.lastError = "conflict: 409: \"already\" \\ pending"
        try session.store.enqueue(failed)
        try session.store.enqueue(OutboxOperation(account: account, payload: .requestDeletion(reason: nil, days: nil, wipe: nil),
                                                  createdAt: start.adding(seconds: 1),
                                                  environment: session.store.environment))
        try session.store.enqueue(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: start.adding(seconds: 2),
                                                  deadline: start.adding(seconds: 28 * 86_400),
                                                  environment: session.store.environment))

        let (status, bytes) = try #require(session.begin("status", arguments: nil).answer)
        #expect(status == .ok)
        let value = try #require(JSONValue(parsing: bytes))
        #expect(value.encoded == bytes, "\(String(decoding: bytes, as: UTF8.self))")
        #expect(value["queued"]?.arrayValue?.count == 2)
        #expect(value["counts"] == ["queued": 2, "failed": 1, "missed": 0, "unreadable": 0, "held": 0])
        #expect(value["deletion"]?["isLocked"] == true)
        // The same status, through the typed path the shell uses.
        #expect(session.json(.status(try session.engine.localStatus())) == value)
    }
}
