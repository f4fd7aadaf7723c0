@testable import AccountCore
import AccountSession
import Testing
import TestSupport

/// Every answer of `ac_call` and `acct --json`, and every event, byte for
/// byte: the bytes the C interface has always returned (issue 30 writes
/// each answer once, straight to bytes, and must not change one of them).
@Suite("Calls: every answer's bytes, unchanged")
struct AnswerBytesTests {
    static let at = Instant(secondsSince1970: 1_775_217_600)
    static let account = AccountID(backend: "allmine", userID: "u-ş\"1")

    static func id(_ last: Int) -> UniqueID {
        UniqueID(uuidString: "00000000-0000-4000-8000-00000000000\(last)") ?? UniqueID()
    }

    static let pending = DeletionStatus(state: .pending, requestID: "r1", requestedAt: at,
                                        scheduledFor: at.adding(seconds: 28 * 86_400),
                                        canCancelUntil: at.adding(seconds: 28 * 86_400), isLocked: true)

    /// A queued request of this environment, and a failed cancel made in the other.
    static func operations(_ environment: ServerEnvironment) -> [OutboxOperation] {
        let request = OutboxOperation(account: account, payload: .requestDeletion(reason: "bye\n\u{1}", days: 30, wipe: true),
                                      createdAt: at, id: id(1), idempotencyKey: id(2), environment: environment)
        var cancel = OutboxOperation(account: account, payload: .cancelDeletion, createdAt: at.adding(seconds: 1),
                                     deadline: at.adding(seconds: 86_400), id: id(3), idempotencyKey: id(4),
                                     environment: environment == .production ? .development : .production)
        cancel.state = .failed
        cancel.attempts = 2
        cancel.lastError = "conflict: 409: \"already\" \\ pending"
        return [request, cancel]
    }

    static let unreadable = UnreadableOperation(id: "row-7", account: account, kind: "teleport", createdAt: at,
                                                sequence: 7, environment: "production")

    /// The results and events, and their bytes as the C interface returned them before.
    static func cases(_ session: Session) -> [(String, [UInt8], String)] {
        let environment = session.store.environment
        let operations = operations(environment)
        let report = StatusReport(deletion: pending, source: .cache, asOf: at, queued: operations,
                                  counts: OutboxCounts(queued: 1, failed: 1, missed: 0, unreadable: 1, held: 1))
        let holder = AccountHolder(id: "h1", firstName: "Ayşe", lastName: nil, email: "a@example.com",
                                   project: .init(reference: "p/1", display: "Proje \"1\""))
        let results: [(String, CallResult)] = [
            ("status", .status(report)),
            ("profile", .profile(AccountProfile(id: "u1", username: "ayse_1", displayName: "Ayşe", email: nil, isLocked: true,
                                                usernameChangedAt: at, nextUsernameChangeAllowedAt: at.adding(seconds: 60)))),
            ("stats", .stats(AccountStats(followers: 3, following: -1, liveStreams: 0))),
            ("capabilities", .capabilities(BackendCapabilities(profile: true, deletionStatus: true, requestDeletion: true,
                                                               cancellation: .api, rename: true, customDays: 7...30,
                                                               wipe: true, gracePeriodDays: 30))),
            ("capabilities, none", .capabilities(BackendCapabilities())),
            ("deletion", .deletion(pending, holder: nil)),
            ("deletion, holder", .deletion(pending, holder: holder)),
            ("deletion, holder without project", .deletion(.none, holder: AccountHolder(id: "h2"))),
            ("queued", .queued(operations[0], deletion: nil)),
            ("queued, deletion", .queued(operations[1], deletion: pending)),
            ("coalesced", .coalesced(deletion: nil)),
            ("coalesced, deletion", .coalesced(deletion: pending)),
            ("finalized", .finalized(pending, userID: "u1")),
            ("finalized, no user", .finalized(.none, userID: nil)),
            ("erased", .erased(pending, details: ErasureDetails(dataAnonymized: true, apiKeysDeactivated: false,
                                                                 sessionsDeleted: nil, accountDisabled: true))),
            ("erased, no details", .erased(pending, details: nil)),
            ("renamed", .renamed(UsernameChange(oldUsername: "old", newUsername: "new_1", nextChangeAllowedAt: at))),
            ("renamed, nothing", .renamed(nil)),
            ("synced", .synced(SyncReport(sent: 2, failed: 1, remaining: 0, holdup: nil))),
            ("synced, paused", .synced(SyncReport(sent: 0, failed: 0, remaining: 2, holdup: .paused(.offline)))),
            ("synced, another drain", .synced(SyncReport(sent: 0, failed: 0, remaining: 1, holdup: .anotherDrain))),
            ("synced, retry", .synced(SyncReport(sent: 1, failed: 1, remaining: 1, holdup: .retry(
                at: at.adding(seconds: 30), after: AccountError(.rateLimited(retryAfter: 30), detail: "429")))))
            ,
            ("synced, retry without error", .synced(SyncReport(sent: 0, failed: 0, remaining: 1,
                                                                           holdup: .retry(at: at, after: nil)))),
            ("outbox", .outbox(operations, unreadable: [unreadable])),
            ("outbox, empty", .outbox([], unreadable: [])),
            ("signedOut", .signedOut(SignOut(account: account, unsent: operations, unreadable: [unreadable]),
                                     discarded: true)),
            ("signedOut, nobody", .signedOut(SignOut(account: nil, unsent: []), discarded: false)),
        ]
        let events: [(String, SyncEvent)] = [
            ("event queued", .operationQueued(operations[0])),
            ("event synced", .operationSynced(operations[1])),
            ("event failed", .operationFailed(operations[0], AccountError(.server(status: 503), detail: "503"))),
            ("event paused", .syncPaused(.authenticationRequired)),
            ("event status", .statusChanged(report)),
            ("event deadline", .deadlineApproaching(operations[1])),
        ]
        return results.map { ($0.0, session.encoded($0.1), golden[$0.0] ?? "") }
            + events.map { ($0.0, session.encoded($0.1), golden[$0.0] ?? "") }
    }

    @Test("each result and event writes the bytes it always wrote, and reads back as the value json(_:) gives")
    func unchanged() throws {
        let directory = try TemporaryDirectory()
        let configuration = try SessionConfiguration.parse([
            "backend": "allmine", "baseURL": "http://127.0.0.1:1", "databasePath": .string(directory.file("store.sqlite")),
        ])
        let session = try Session(configuration: configuration, token: "token-of-u1",
                                  clock: ManualClock(Self.at.adding(seconds: 3 * 86_400)), online: false)
        let cases = Self.cases(session)
        #expect(cases.count == Self.golden.count)
        for (name, bytes, expected) in cases {
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(name)")
            // Well-formed, and written as the general writer writes the same value.
            let value = try #require(JSONValue(parsing: bytes), "\(name)")
            #expect(value.encoded == bytes, "\(name)")
        }
    }

    static let golden: [String: String] = [
        "status":
            #"{"asOf":"2026-04-03T12:00:00.000Z","counts":{"failed":1,"held":1,"missed":0,"queued":1,"unreadable":1},"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false},"environment":"development","queued":[{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"}],"source":"cache"}"#,
        "profile":
            #"{"profile":{"displayName":"Ayşe","email":null,"id":"u1","isLocked":true,"nextUsernameChangeAllowedAt":"2026-04-03T12:01:00.000Z","username":"ayse_1","usernameChangedAt":"2026-04-03T12:00:00.000Z"}}"#,
        "stats":
            #"{"stats":{"followersCount":3,"followingCount":-1,"liveStreamCount":0}}"#,
        "capabilities":
            #"{"capabilities":{"backend":"allmine","cancellation":"api","customDays":{"maximum":30,"minimum":7},"deletionStatus":true,"environment":"development","erase":false,"finalizeNow":false,"gracePeriodDays":30,"mutating":["requestDeletion","cancelDeletion","changeUsername"],"profile":true,"rename":true,"requestDeletion":true,"stats":false,"wipe":true}}"#,
        "capabilities, none":
            #"{"capabilities":{"backend":"allmine","cancellation":"notCancellable","customDays":null,"deletionStatus":false,"environment":"development","erase":false,"finalizeNow":false,"gracePeriodDays":null,"mutating":[],"profile":false,"rename":false,"requestDeletion":false,"stats":false,"wipe":false}}"#,
        "deletion":
            #"{"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false}}"#,
        "deletion, holder":
            #"{"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false},"user":{"email":"a@example.com","firstName":"Ayşe","id":"h1","lastName":null,"project":{"display":"Proje \"1\"","reference":"p/1"}}}"#,
        "deletion, holder without project":
            #"{"deletion":{"canCancelUntil":null,"cancellation":"api","finalizedAt":null,"isLocked":false,"remainingDays":null,"requestedAt":null,"scheduledFor":null,"status":"none","wipe":false},"user":{"email":null,"firstName":null,"id":"h2","lastName":null,"project":null}}"#,
        "queued":
            #"{"queued":{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"}}"#,
        "queued, deletion":
            #"{"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false},"queued":{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"}}"#,
        "coalesced":
            #"{"coalesced":true}"#,
        "coalesced, deletion":
            #"{"coalesced":true,"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false}}"#,
        "finalized":
            #"{"finalized":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","userId":"u1","wipe":false}}"#,
        "finalized, no user":
            #"{"finalized":{"canCancelUntil":null,"cancellation":"api","finalizedAt":null,"isLocked":false,"remainingDays":null,"requestedAt":null,"scheduledFor":null,"status":"none","userId":null,"wipe":false}}"#,
        "erased":
            #"{"erasure":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","details":{"accountDisabled":true,"apiKeysDeactivated":false,"dataAnonymized":true,"sessionsDeleted":null},"finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false}}"#,
        "erased, no details":
            #"{"erasure":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","details":null,"finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false}}"#,
        "renamed":
            #"{"username":{"newUsername":"new_1","nextChangeAllowedAt":"2026-04-03T12:00:00.000Z","oldUsername":"old"}}"#,
        "renamed, nothing":
            #"{"username":{"newUsername":null,"nextChangeAllowedAt":null,"oldUsername":null}}"#,
        "synced":
            #"{"failed":1,"remaining":0,"sent":2,"waiting":null}"#,
        "synced, paused":
            #"{"failed":0,"remaining":2,"sent":0,"waiting":{"error":null,"message":"You're offline. What you do is saved and sent later.","reason":"offline","retryAt":null}}"#,
        "synced, another drain":
            #"{"failed":0,"remaining":1,"sent":0,"waiting":{"error":null,"message":"They're being sent right now.","reason":"anotherDrain","retryAt":null}}"#,
        "synced, retry":
            #"{"failed":1,"remaining":1,"sent":1,"waiting":{"error":{"code":"rateLimited","detail":"429","httpStatus":429,"message":"Too many attempts. Try again in 30 seconds.","retryAfter":30},"message":"Too many attempts. Try again in 30 seconds. Next try in 1 s.","reason":"retry","retryAt":"2026-04-03T12:00:30.000Z"}}"#,
        "synced, retry without error":
            #"{"failed":0,"remaining":1,"sent":0,"waiting":{"error":null,"message":"Next try in 1 s.","reason":"retry","retryAt":"2026-04-03T12:00:00.000Z"}}"#,
        "outbox":
            #"{"queued":[{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"},{"account":"u-ş\"1","attempts":null,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"held":false,"id":"row-7","kind":"teleport","lastError":null,"state":"unreadable"}]}"#,
        "outbox, empty":
            #"{"queued":[]}"#,
        "signedOut":
            #"{"signedOut":{"account":"u-ş\"1","discarded":true,"unsent":[{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"},{"account":"u-ş\"1","attempts":null,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"held":false,"id":"row-7","kind":"teleport","lastError":null,"state":"unreadable"}]}}"#,
        "signedOut, nobody":
            #"{"signedOut":{"account":null,"discarded":false,"unsent":[]}}"#,
        "event queued":
            #"{"operation":{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},"type":"operationQueued"}"#,
        "event synced":
            #"{"operation":{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"},"type":"operationSynced"}"#,
        "event failed":
            #"{"error":{"code":"server","detail":"503","httpStatus":503,"message":"The server had a problem (503). Try again later.","retryAfter":null},"operation":{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},"type":"operationFailed"}"#,
        "event paused":
            #"{"reason":"authenticationRequired","type":"syncPaused"}"#,
        "event status":
            #"{"status":{"asOf":"2026-04-03T12:00:00.000Z","counts":{"failed":1,"held":1,"missed":0,"queued":1,"unreadable":1},"deletion":{"canCancelUntil":"2026-05-01T12:00:00.000Z","cancellation":"api","finalizedAt":null,"isLocked":true,"remainingDays":25,"requestedAt":"2026-04-03T12:00:00.000Z","scheduledFor":"2026-05-01T12:00:00.000Z","status":"pending","wipe":false},"environment":"development","queued":[{"account":"u-ş\"1","attempts":0,"backend":"allmine","createdAt":"2026-04-03T12:00:00.000Z","deadline":null,"environment":"development","held":false,"heldReason":null,"id":"00000000-0000-4000-8000-000000000001","kind":"requestDeletion","lastError":null,"state":"queued"},{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"}],"source":"cache"},"type":"statusChanged"}"#,
        "event deadline":
            #"{"operation":{"account":"u-ş\"1","attempts":2,"backend":"allmine","createdAt":"2026-04-03T12:00:01.000Z","deadline":"2026-04-04T12:00:00.000Z","environment":"production","held":true,"heldReason":"Made against a production server: held, never sent to development.","id":"00000000-0000-4000-8000-000000000003","kind":"cancelDeletion","lastError":"conflict: 409: \"already\" \\ pending","state":"failed"},"type":"deadlineApproaching"}"#,
    ]
}
