import POSIXThread

/// What the drainer's long-lived task waits on: a signal, or the instant
/// the head of the queue falls due, whichever comes first. Never polled: a
/// waiting task is resumed by whoever signals, or by the clock.
///
/// A signal that comes while nobody waits is kept for the next wait, so
/// none is lost between two waits. One waiter at a time.
final class Wakeup: Sendable {
    private struct State {
        /// Signalled since the last wait returned; and whether a drain was asked for.
        var pending: Bool = false
        var requested: Bool = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = LockedValue(State())

    /// Wakes the waiter (or the next wait); `request`: a drain is asked for
    /// now, whatever waits on a backoff.
    func signal(request: Bool = false) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pending = true
            if request { state.requested = true }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once when one came since the last
    /// wait), at `deadline` on `clock` when given, or when the task is
    /// cancelled; answers whether a drain was asked for.
    func wait(until deadline: Instant?, on clock: any WallClock) async -> Bool {
        if let deadline {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitForSignal() }
                group.addTask { await clock.wait(until: deadline) }
                await group.next()
                group.cancelAll()
            }
        } else {
            await waitForSignal()
        }
        return state.withLock { state in
            defer { (state.pending, state.requested) = (false, false) }
            return state.requested
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
