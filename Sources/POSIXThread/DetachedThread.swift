import Libc

/// Plain POSIX threads for work that blocks: the emulator's connections
/// (each waits in `poll` and in its handler) and curl transfers (each waits
/// on the network). On Swift's cooperative pool or libdispatch's, 100 such
/// waits could take every worker and starve the rest of the process.
package enum DetachedThread {
    /// What a new thread runs; passed through `pthread_create`'s raw pointer.
    private final class Work {
        let job: WorkerThread.Job

        init(job: @escaping WorkerThread.Job) {
            self.job = job
        }
    }

    /// Runs `body` on a new detached thread; false when no thread could be
    /// created.
    package static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        detachJob({
            body()
            return {}
        })
    }

    /// Runs `job` on a new detached thread, then what it returns once `job`
    /// is released (as `WorkerThread` does); false when no thread could be
    /// created.
    package static func detachJob(_ job: @escaping WorkerThread.Job) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let work = Unmanaged.passRetained(Work(job: job)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let finish = WorkerThread.run(Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().job)
            finish()
            return nil
        }, work)
        if created != 0 {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        return true
    }
}
