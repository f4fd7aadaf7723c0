import AccountCore
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `ac_close` while another thread's call is still waiting for the server
/// (`c/close.c`): the header says it waits for calls in flight.
@Suite("C interface: closing", .shippedLibrary)
struct CloseTests {
    @Test("ac_close waits for a call in flight (a status the server answers 1.5 s late)")
    func closeWaitsForCalls() async throws {
        let (harness, token) = try CInterface.emulator()
        // The first status request is answered 1.5 s late.
        try await harness.inject("delay", "GET", "/api/v1/users/me/account-deletion", count: 1, delayMs: 1_500)
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("close", in: directory)

        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, directory.file("store.sqlite")],
                                        seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        // The delayed request did reach the server: the test closed during
        // it; then each of the 40 cores that followed asked once.
        let statusRequests = try await harness.requests().filter {
            $0["method"]?.stringValue == "GET" && $0["path"]?.stringValue == "/api/v1/users/me/account-deletion"
        }
        #expect(statusRequests.count == 41, "\(statusRequests.count) status requests")
    }

    @Test("ac_close during a drain cancels the transfer and returns; the operation stays queued, sent once later")
    func closeCancelsDrain() async throws {
        let (harness, token) = try CInterface.emulator()
        // The request's answer is held 120 s: ac_close must not wait for it.
        // (Far longer than the test: under the suite's load this task may
        // wait seconds for a thread, and the answer must not come first.
        // Stopping the emulator ends the delay.)
        try await harness.inject("delay", "POST", "/api/v1/users/me/account-deletion", count: 1, delayMs: 120_000)
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("close_drain", in: directory)
        let exited = directory.file("exited")
        let arguments = [harness.emulator.baseURL, token, directory.file("store.sqlite"), directory.path]
        let child = Task {
            defer { try? write([], to: exited) }
            return try await CInterface.run(program, arguments, seconds: 60)
        }
        // The program stops at "sent" once the request is being sent; it is
        // let go once the server has it, and then closes the core.
        let reached = directory.file("sent.reached")
        while !fileExists(reached), !fileExists(exited) { try await Task.sleep(for: .milliseconds(10)) }
        var posts: [JSONValue] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while fileExists(reached), posts.isEmpty, ContinuousClock.now < deadline {
            posts = try await harness.requestsInMemory().filter { $0["method"] == "POST" }
            if posts.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        try write([], to: directory.file("sent.go"))
        let result = try await child.value
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        #expect(posts.count == 1, "the request reached the server before ac_close: \(posts)")
        // The cancelled send left the operation queued, with its key, for
        // the next drain: nothing lost.
        let store = try AccountStore(path: directory.file("store.sqlite"))
        let queued = try store.outboxOfEveryone()
        #expect(queued.map(\.state) == [.queued], "\(queued)")
        #expect(queued.first?.attempts == 1)
    }
}
