import POSIXThread

/// Keeps one engine's drains one at a time, in the order they came, without
/// polling: a drain waits on it as on a lock and is woken when the one
/// before it ends. A drain started by coming online or a sign-in while
/// another runs is therefore never lost: it runs next. (Other processes are
/// kept out by `DrainLock`.)
final class DrainGate: Sendable {
    private struct State {
        var busy = false
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
    }

    private let state = LockedValue(State())

    /// Waits for its turn and takes it; false, holding nothing, when the task
    /// was cancelled while it waited.
    func enter() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = state.withLock { state -> Bool in
                    guard state.busy else {
                        state.busy = true
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                if now { continuation.resume(returning: true) }
            }
        } onCancel: {
            // A waiter cancelled before it was queued is woken by the next
            // `leave` instead, takes its turn, and its caller ends it at once
            // (it checks `Task.isCancelled`).
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: false)
        }
    }

    /// Ends the turn: the next waiter takes it, or the gate opens.
    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
