@testable import AccountCore
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

let account = AccountID(backend: "allmine", userID: "hardening")
let instant = Instant(secondsSince1970: 1_775_217_600)

func cancel() -> OutboxOperation {
    OutboxOperation(account: account, payload: .cancelDeletion, createdAt: instant)
}

/// Expects `body` to fail with the storage problem `problem`.
func expectStorage<T>(_ problem: StorageProblem, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws(AccountError) -> T) {
    do {
        _ = try body()
        Issue.record("expected \(problem)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == .storage(problem), "\(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Hardening: storage faults")
struct StorageFaultTests {
    @Test("the database deleted while open: the next use is a clear storage error, not a write into nothing")
    func deletedWhileOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let store = try AccountStore(path: path)
        try store.enqueue(cancel())
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        expectStorage(.fileRemoved) { () throws(AccountError) in try store.enqueue(cancel()) }
        expectStorage(.fileRemoved) { () throws(AccountError) in try store.outbox(for: account) }
        // The user is told in their language what it means.
        let message = Localizer(language: .english).message(for: AccountError(.storage(.fileRemoved)))
        #expect(message.contains("deleted or replaced while in use"))
    }

    @Test("the database truncated while open: a storage error, and what was queued is still there or the user was told")
    func truncatedWhileOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        do {
            let store = try AccountStore(path: path)
            for _ in 0..<300 { try store.enqueue(cancel()) }
        }
        let store = try AccountStore(path: path)
        let before = try store.outbox(for: account).count
        #expect(before == 300)
        truncate(path, off_t((contents(of: path)?.count ?? 0) / 3))
        do {
            let after = try store.outbox(for: account).count
            // SQLite may still answer from pages it holds; then nothing was lost.
            #expect(after == before)
        } catch {
            #expect(error.code == .storage)
            #expect([.storage(.damaged), .storage(.ioFailure)].contains(error.reason), "\(error)")
        }
        do {
            try store.enqueue(cancel())
        } catch {
            #expect(error.code == .storage, "\(error)")
        }
    }

    @Test("a full disk (a small max_page_count): the enqueue fails clearly and what was queued before stays")
    func diskFull() throws {
        let directory = try TemporaryDirectory()
        let store = try AccountStore(path: directory.file("store.sqlite"))
        try store.enqueue(cancel())
        let pages = try store.read { database in try database.scalarInt("PRAGMA page_count") } ?? 0
        try store.read { database in try database.execute("PRAGMA max_page_count = \(pages + 2)") }
        var failure: AccountError?
        for _ in 0..<500 {
            do {
                try store.enqueue(OutboxOperation(account: account, payload: .requestDeletion(
                    reason: String(repeating: "x", count: 400), days: nil, wipe: nil), createdAt: instant))
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure, "the store never filled up")
        #expect(error.reason == .storage(.full), "\(error)")
        #expect(Localizer(language: .turkish).message(for: error) == "Cihazda yer kalmadı.")
        let queued = try store.outbox(for: account)
        #expect(queued.first?.kind == .cancelDeletion)
        #expect(queued.count > 1)
    }

    @Test("the WAL removed between runs: opening says the last changes are lost; with it, nothing is")
    func walRemoved() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let store = try AccountStore(path: path)
        let operations = [cancel(), cancel(), cancel()]
        for operation in operations { try store.enqueue(operation) }
        // What a crash leaves: the three files as they are while the store is open.
        for copy in ["kept", "lost"] {
            for suffix in ["", "-wal", "-shm"] {
                try write(try #require(contents(of: path + suffix)), to: directory.file("\(copy).sqlite\(suffix)"))
            }
        }
        unlink(directory.file("lost.sqlite-wal"))
        let lostBefore = contents(of: directory.file("lost.sqlite"))
        expectStorage(.journalLost) { () throws(AccountError) in try AccountStore(path: directory.file("lost.sqlite")) }
        #expect(contents(of: directory.file("lost.sqlite")) == lostBefore)
        let kept = try AccountStore(path: directory.file("kept.sqlite"))
        #expect(try kept.outbox(for: account).map(\.id) == operations.map(\.id))
    }
}
