import POSIXThread

/// The cancellation of one async transfer: set from the task's cancellation
/// handler, read by the transfer's thread.
final class CurlCancellation: Sendable {
    /// What both threads share.
    private struct State {
        /// Whether the task was cancelled.
        var isCancelled = false
        /// The handle running the transfer now, to wake when cancelled.
        var handle: CurlHandle?
    }

    /// The shared state, behind a lock so that `cancel()` never wakes a
    /// handle that was already handed back to the pool.
    private let state = LockedValue(State())

    /// A cancellation not yet requested.
    init() {}

    /// Whether `cancel()` was called.
    var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Marks the transfer cancelled and wakes its handle's poll, so that it
    /// notices at once rather than at the next poll timeout.
    func cancel() {
        state.withLock { state in
            state.isCancelled = true
            state.handle?.wakeUp()
        }
    }

    /// Records `handle` as running the transfer, until `detach()`.
    func attach(_ handle: CurlHandle) {
        state.withLock { $0.handle = handle }
    }

    /// Forgets the handle: the transfer is over.
    func detach() {
        state.withLock { $0.handle = nil }
    }
}
