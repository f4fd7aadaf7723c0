import Libc

/// One thread, kept while its owner lives, that runs blocking jobs one at a
/// time: for work that comes one job after another (a drain's requests),
/// where starting a thread for each job costs more than the job's own wait
/// (measured: a thread per curl transfer on loopback doubled its time).
///
/// A job is taken only when the thread is free; a caller that finds it busy
/// runs its job on a thread of its own (`DetachedThread`), so jobs never
/// queue behind one another. When the owner releases it, the thread is told
/// to end and is joined, so nothing of it runs after (a host may unload the
/// library once `ac_close` returns).
package final class WorkerThread: Sendable {
    /// What the thread and its owner share: the next job and whether to end.
    private final class Shared: @unchecked Sendable {
        // Fixed addresses: a pthread mutex or condition must never move.
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        // Guarded by `mutex`.
        var job: WorkerThread.Job?
        var busy = false
        var ending = false

        init() {
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            pthread_mutex_destroy(mutex)
            condition.deallocate()
            mutex.deallocate()
        }

        /// The thread's loop: each job in turn until told to end.
        func serve() {
            pthread_mutex_lock(mutex)
            while true {
                while job == nil, !ending { pthread_cond_wait(condition, mutex) }
                guard let next = job else { break }
                job = nil
                pthread_mutex_unlock(mutex)
                let finish = next()
                pthread_mutex_lock(mutex)
                busy = false
                pthread_mutex_unlock(mutex)
                // Free before the caller hears back, so that its next job,
                // sent as soon as it does, finds the thread free.
                finish()
                pthread_mutex_lock(mutex)
            }
            pthread_mutex_unlock(mutex)
        }
    }

    /// A job: its blocking work, which returns what tells the caller it is
    /// done (run once the thread is free again).
    package typealias Job = @Sendable () -> @Sendable () -> Void

    private let shared = Shared()
    /// The thread, once started; nil before the first job.
    private let thread = LockedValue<pthread_t?>(nil)

    /// A worker whose thread starts with its first job.
    package init() {}

    deinit {
        pthread_mutex_lock(shared.mutex)
        shared.ending = true
        pthread_cond_signal(shared.condition)
        pthread_mutex_unlock(shared.mutex)
        guard let thread = thread.withLock({ $0 }) else { return }
        // Released by its own last job: it cannot wait for itself, and ends
        // when that job returns.
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    /// Runs `job` on the worker's thread if it is free, and returns true;
    /// false when it is busy or no thread could be started, and `job` was
    /// not taken.
    package func runIfFree(_ job: @escaping Job) -> Bool {
        pthread_mutex_lock(shared.mutex)
        defer { pthread_mutex_unlock(shared.mutex) }
        guard !shared.busy, !shared.ending, startIfNeeded() else { return false }
        shared.busy = true
        shared.job = job
        pthread_cond_signal(shared.condition)
        return true
    }

    /// Starts the thread on the first job; false when it cannot be started.
    private func startIfNeeded() -> Bool {
        thread.withLock { thread in
            if thread != nil { return true }
            var created = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            let status = pthread_create(&created, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Shared>.fromOpaque(raw).takeRetainedValue().serve()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<Shared>.fromOpaque(context).release()
                return false
            }
            thread = created
            return true
        }
    }
}
