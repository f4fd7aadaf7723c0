import Libc

/// A value that only one thread at a time may read or change, guarded by a
/// `pthread_mutex_t`.
///
/// Why not `Synchronization.Mutex`: on Linux it parks on a raw futex, which
/// ThreadSanitizer does not model, so every access under it is reported as a
/// race and a sanitizer run buries real races under false ones. TSan
/// intercepts `pthread_mutex_lock`, and uncontended it costs the same. The
/// shape of `withLock` is `Mutex`'s, so either reads the same at a call site.
package final class LockedValue<Value>: @unchecked Sendable {
    // Both live at fixed addresses: a pthread mutex must never move, and the
    // value is reached only through `withLock`, under the mutex.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let storage = UnsafeMutablePointer<Value>.allocate(capacity: 1)

    /// Creates a lock guarding `value`.
    package init(_ value: sending Value) {
        storage.initialize(to: value)
        // Error-checking, so that taking it again on the same thread traps
        // (as `Mutex` does) instead of hanging without a word.
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns its result.
    /// Not reentrant: `body` calling `withLock` on the same lock traps.
    package func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        // EDEADLK (taken again on this thread) is the only failure an
        // initialized error-checking mutex can report here.
        let locked = pthread_mutex_lock(mutex)
        precondition(locked == 0, "LockedValue.withLock called again inside withLock on the same thread")
        defer { pthread_mutex_unlock(mutex) }
        return try body(&storage.pointee)
    }
}
