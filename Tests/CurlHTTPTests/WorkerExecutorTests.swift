import AccountEmulator
@testable import CurlHTTP
import Dispatch
import Libc
import POSIXThread
import Testing
import TestSupport

/// The session's worker thread as a task executor: what a drain runs on to
/// send request after request with no thread hand-off.
@Suite("WorkerThread as a task executor")
struct WorkerExecutorTests {
    @Test("a task that prefers the worker runs on its thread, and comes back to it after each suspension")
    func runsOnTheWorker() async {
        let worker = WorkerThread()
        #expect(!worker.isCurrent)
        await withTaskExecutorPreference(worker.executor) {
            #expect(worker.isCurrent)
            for _ in 0..<20 {
                await Task.yield()
                #expect(worker.isCurrent)
            }
            // Work awaited elsewhere does not keep the task there.
            let elsewhere = await Task.detached { worker.isCurrent }.value
            #expect(!elsewhere)
            #expect(worker.isCurrent)
        }
    }

    @Test("a job offered while a task runs on the worker is refused, to run on a thread of its own")
    func busyWithATask() async {
        let worker = WorkerThread()
        await withTaskExecutorPreference(worker.executor) {
            #expect(!worker.runIfFree { {} })
        }
    }

    @Test("a task that outlives its worker goes on, and ends, on the global executor")
    func outlivesTheWorker() async throws {
        var worker: WorkerThread? = WorkerThread()
        // A mark on the thread the task starts on: a thread made later at
        // the same address would not carry it.
        var key = pthread_key_t()
        try #require(pthread_key_create(&key, nil) == 0)
        defer { pthread_key_delete(key) }
        let mark = UnsafeMutableRawPointer(bitPattern: 1)
        let (started, start) = AsyncStream<Bool>.makeStream()
        let (resumed, resume) = AsyncStream<Void>.makeStream()
        let task = Task(executorPreference: try #require(worker).executor) { [weak worker, key] () async -> Bool in
            pthread_setspecific(key, mark)
            start.yield(worker?.isCurrent ?? false)
            for await _ in resumed { break }
            return pthread_getspecific(key) == mark
        }
        var startedOnWorker = false
        for await onWorker in started {
            startedOnWorker = onWorker
            break
        }
        // Released (its thread told to end, and joined) while the task waits.
        worker = nil
        resume.yield()
        let endedOnSameThread = await task.value
        #expect(startedOnWorker)
        #expect(!endedOnSameThread)
    }

    @Test("request after request from a task on the session's thread: each in place, on one connection")
    func transfersInPlace() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        try await withTaskExecutorPreference(session.executor) {
            for index in 0..<50 {
                #expect(session.worker.isCurrent)
                let response = try await session.perform(CurlRequest(method: "POST", url: test.base + "/n/\(index)",
                                                                     body: Array("#\(index)".utf8)))
                #expect(response.status == 200)
            }
        }
        let requests = test.log.all
        #expect(requests.map(\.path) == (0..<50).map { "/n/\($0)" })
        #expect(Set(requests.map(\.connectionID)).count == 1)
    }

    @Test("a transfer in place is cancelled with its task, and meanwhile another caller gets a thread of its own")
    func cancelInPlace() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        // Neither the server's wait nor curl's timeout ends the transfer
        // before the cancel does, however late a loaded machine lets this
        // task go on (the slow handler ends when the test stops the server).
        var configuration = CurlSession.Configuration()
        configuration.totalTimeout = 3_600
        let session = CurlSession(configuration: configuration)
        let task = Task(executorPreference: session.executor) {
            await curlError { try await session.perform(CurlRequest(method: "GET", url: test.base + "/slow?ms=3600000")) }
        }
        try #require(try await test.gate.waitUntilEntered())
        // The worker's thread is inside the slow transfer.
        let other = try await session.perform(CurlRequest(method: "GET", url: test.base + "/meanwhile"))
        #expect(other.status == 200)
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled, "\(String(describing: error))")
        let after = try await session.perform(CurlRequest(method: "GET", url: test.base + "/after"))
        #expect(after.status == 200)
    }

    @Test("a job and what it holds are released before its caller is told, on the worker and on a thread of its own",
          arguments: [false, true])
    func releasesTheJobFirst(detached: Bool) async {
        let worker = WorkerThread()
        // The job waits until it is handed over, so that the last reference
        // to what it holds is then the job's, as a session is the job's once
        // ac_close has let go of it.
        let handedOver = DispatchSemaphore(value: 0)
        let releasedWhenTold = await withCheckedContinuation { (told: CheckedContinuation<Bool, Never>) in
            let released = LockedValue(false)
            let mark = ReleaseMark { released.withLock { $0 = true } }
            let tell: @Sendable () -> Void = { told.resume(returning: released.withLock { $0 }) }
            let started = detached
                ? DetachedThread.detachJob(Self.job(holding: consume mark, waitingFor: handedOver, then: tell))
                : worker.runIfFree(Self.job(holding: consume mark, waitingFor: handedOver, then: tell))
            if started { handedOver.signal() } else { told.resume(returning: false) }
        }
        #expect(releasedWhenTold)
    }

    /// A job that holds `mark`, waits for `handedOver`, and then has its
    /// caller told with `tell`.
    private static func job(holding mark: consuming ReleaseMark, waitingFor handedOver: DispatchSemaphore,
                            then tell: @escaping @Sendable () -> Void) -> WorkerThread.Job {
        { [mark] in
            handedOver.wait()
            withExtendedLifetime(mark) {}
            return tell
        }
    }
}

/// Calls `onRelease` when it is released.
private final class ReleaseMark: Sendable {
    let onRelease: @Sendable () -> Void

    init(_ onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = onRelease
    }

    deinit { onRelease() }
}
