import POSIXThread
import Libc

/// One drain at a time per store, across threads and processes: an
/// exclusive `flock` on a file beside the database. The kernel releases it
/// when its holder dies, even by SIGKILL, so a crashed drain never blocks
/// the next one. Two descriptors of one process conflict like two processes,
/// so it also keeps two threads apart.
struct DrainLock: Sendable {
    /// The lock file: the database path with `-drain.lock`.
    let path: String

    init(storePath: String) {
        path = storePath + "-drain.lock"
    }

    /// Takes the lock if no one holds it; nil when another drain runs.
    func tryAcquire() throws(FileSystemError) -> Held? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", file: .drainLock, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw FileSystemError(operation: "flock", file: .drainLock, errno: code)
        }
        return Held(descriptor: descriptor)
    }

    /// Takes the lock, waiting up to `seconds` for another process's drain
    /// to end: on a thread of its own blocked in `flock`, never polling.
    /// Nil when the time ran out or the task was cancelled; a lock the
    /// thread gets after that is given back at once.
    func acquire(waitingUpTo seconds: Double) async throws(FileSystemError) -> Held? {
        if let held = try tryAcquire() { return held }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", file: .drainLock, errno: errno) }
        // Whoever comes first, the lock or the end of the wait, answers.
        let waiting = LockedValue<CheckedContinuation<Held?, Never>?>(nil)
        @Sendable func answer(_ held: Held?) -> Bool {
            guard let continuation = waiting.withLock({ slot in defer { slot = nil }; return slot }) else { return false }
            continuation.resume(returning: held)
            return true
        }
        let timeout = Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            _ = answer(nil)
        }
        defer { timeout.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Held?, Never>) in
                waiting.withLock { $0 = continuation }
                // Cancelled before the continuation was there to answer.
                if Task.isCancelled, answer(nil) {
                    close(descriptor)
                    return
                }
                let started = DetachedThread.detach {
                    guard flock(descriptor, LOCK_EX) == 0 else {
                        close(descriptor)
                        _ = answer(nil)
                        return
                    }
                    let held = Held(descriptor: descriptor)
                    // Nobody waits any more: give the lock back at once.
                    if !answer(held) { held.release() }
                }
                if !started {
                    close(descriptor)
                    _ = answer(nil)
                }
            }
        } onCancel: {
            _ = answer(nil)
        }
    }

    /// A held lock; `release()` gives it back (once; closing the descriptor
    /// releases it too). Used by one drain at a time.
    final class Held: @unchecked Sendable {
        private var descriptor: Int32

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        func release() {
            guard descriptor >= 0 else { return }
            // Unlocked explicitly, not by the close alone: a process that
            // another thread is spawning holds a copy of the descriptor until
            // its exec closes it (close-on-exec), and the lock belongs to the
            // open file, so the close would leave it held until then.
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }

        deinit {
            release()
        }
    }
}
