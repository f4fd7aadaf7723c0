import Libc

/// One thread, kept while its owner lives, that runs blocking jobs one at a
/// time: for work that comes one job after another (a drain's requests),
/// where starting a thread for each job costs more than the job's own wait
/// (measured: a thread per curl transfer on loopback doubled its time).
///
/// A job is taken only when the thread is free; a caller that finds it busy
/// runs its job on a thread of its own (`DetachedThread`), so jobs never
/// queue behind one another.
///
/// The thread is also a task executor (`executor`, SE-0417): a task that
/// prefers it runs its slices on this thread, between jobs, and can then do
/// its blocking work right where it is (`isCurrent`), with no thread woken
/// to start it and none to resume the task after. That is how a drain sends
/// request after request as curl's own loop would.
///
/// When the owner releases it, the thread is told to end and is joined, so
/// nothing of it runs after (a host may unload the library once `ac_close`
/// returns); a task slice that comes after that runs on Swift's global
/// executor.
package final class WorkerThread: Sendable {
    /// What the thread and its owner share: the next job, the task slices,
    /// and whether to end. It is the executor, so a task holding it never
    /// outlives what it holds.
    private final class Shared: TaskExecutor, @unchecked Sendable {
        // Fixed addresses: a pthread mutex or condition must never move.
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        // Guarded by `mutex`.
        var thread: pthread_t?
        var job: WorkerThread.Job?
        /// Task slices waiting, in the order they came (a few at most: the
        /// tasks that prefer this thread are a drain's).
        var slices: [UnownedJob] = []
        /// A job or a slice is running.
        var running = false
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

        /// Takes a slice of a task that prefers this thread; once the thread
        /// ends (or when none could be started), it goes to the global executor.
        func enqueue(_ job: consuming ExecutorJob) {
            let slice = UnownedJob(job)
            pthread_mutex_lock(mutex)
            guard !ending, startIfNeeded() else {
                pthread_mutex_unlock(mutex)
                globalConcurrentExecutor.enqueue(ExecutorJob(slice))
                return
            }
            slices.append(slice)
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }

        /// Starts the thread if it is not running; false when it cannot be
        /// started. Called with `mutex` held.
        func startIfNeeded() -> Bool {
            if thread != nil { return true }
            var created = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
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

        /// The thread's loop: each slice and job in turn, slices first (a
        /// task on this thread is waited for), until told to end with
        /// nothing left.
        private func serve() {
            let executor = asUnownedTaskExecutor()
            pthread_mutex_lock(mutex)
            while true {
                while job == nil, slices.isEmpty, !ending { pthread_cond_wait(condition, mutex) }
                if !slices.isEmpty {
                    let slice = slices.removeFirst()
                    running = true
                    pthread_mutex_unlock(mutex)
                    slice.runSynchronously(on: executor)
                    pthread_mutex_lock(mutex)
                    running = false
                    continue
                }
                guard let next = job else { break }
                job = nil
                running = true
                pthread_mutex_unlock(mutex)
                let finish = WorkerThread.run(consume next)
                pthread_mutex_lock(mutex)
                running = false
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
    /// done (run once the thread is free again, and once the job is
    /// released).
    package typealias Job = @Sendable () -> @Sendable () -> Void

    /// Runs `job` and releases it, with what it holds, before the caller
    /// is told: the caller may drop the last reference to the job's owner
    /// as soon as it hears back (`ac_close`), and that owner must then be
    /// freed on the caller's side, not later on a thread of ours.
    static func run(_ job: consuming @escaping Job) -> @Sendable () -> Void {
        job()
    }

    private let shared = Shared()

    /// A worker whose thread starts with its first job or task slice.
    package init() {}

    deinit {
        pthread_mutex_lock(shared.mutex)
        shared.ending = true
        let thread = shared.thread
        pthread_cond_signal(shared.condition)
        pthread_mutex_unlock(shared.mutex)
        guard let thread else { return }
        // Released on its own thread (by a job or a task slice): it cannot
        // wait for itself, and ends once that returns and nothing is left.
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    /// The thread as a task executor: a task that prefers it
    /// (`withTaskExecutorPreference`) runs on this thread.
    package var executor: any TaskExecutor { shared }

    /// Whether the calling thread is this worker's: true inside a task
    /// slice run here, where blocking work may run in place.
    package var isCurrent: Bool {
        pthread_mutex_lock(shared.mutex)
        defer { pthread_mutex_unlock(shared.mutex) }
        guard let thread = shared.thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `job` on the worker's thread if it is free, and returns true;
    /// false when it is busy (with a job or a task), or no thread could be
    /// started, and `job` was not taken.
    package func runIfFree(_ job: @escaping Job) -> Bool {
        pthread_mutex_lock(shared.mutex)
        defer { pthread_mutex_unlock(shared.mutex) }
        guard !shared.running, shared.job == nil, shared.slices.isEmpty, !shared.ending,
              shared.startIfNeeded() else { return false }
        shared.job = job
        pthread_cond_signal(shared.condition)
        return true
    }
}
