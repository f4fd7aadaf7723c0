#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Android)
import Android
#endif

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
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", path: path, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw FileSystemError(operation: "flock", path: path, errno: code)
        }
        return Held(descriptor: descriptor)
    }

    /// A held lock; `release()` gives it back (once; closing the descriptor
    /// releases it too).
    final class Held {
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
