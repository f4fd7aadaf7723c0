import AccountCore
import AccountSession
import CAccountCore
import Dispatch
import HostTransport
import Libc
import POSIXThread

/// What an `ac_core *` names (through the registry of `AccountCoreC.swift`):
/// the session, the calls in flight (so `ac_close` can wait for them), the
/// event handler, and the app's transport when it gave one.
final class CoreHandle: Sendable {
    let session: Session
    /// The app's transport, closed first by `close`.
    private let transport: HostTransport<CTransport>?
    /// The calls in flight: each enters on its way in (`enter`) and leaves
    /// on its way out, and `close` waits on it.
    let inFlight = DispatchGroup()
    private let handler = LockedValue(HandlerState())
    /// Whether `close` began or finished, and who waits for it to finish.
    private let closing = LockedValue(Closing.open)
    private let events: LockedValue<Task<Void, Never>?> = LockedValue(nil)

    /// A C function pointer and its context; the caller guarantees the
    /// context lives until the handler is replaced or the core is closed.
    struct EventHandler: @unchecked Sendable {
        let function: ac_event_handler
        let context: UnsafeMutableRawPointer?
    }

    /// Where the core is in its close.
    private enum Closing {
        case open
        /// A close is under way; `waiters` are the racing ones.
        case closing(waiters: [DispatchSemaphore])
        case closed
    }

    /// The handler, and the call of a handler under way, so that replacing
    /// it can wait for that call to end (`setHandler`).
    private struct HandlerState: @unchecked Sendable {
        // Unchecked: pthread_t is a pointer on Darwin; only compared here.
        var current: EventHandler?
        /// Counts the handlers set: a call under way of an earlier one is
        /// what `setHandler` waits for.
        var epoch = 0
        /// The call under way: the epoch of its handler and its thread.
        var running: (epoch: Int, thread: pthread_t)?
        /// Who waits for the call under way to end.
        var waiters: [DispatchSemaphore] = []
    }

    init(session: Session, transport: HostTransport<CTransport>?) {
        self.session = session
        self.transport = transport
        let stream = session.events
        let task = Task { [weak self] in
            for await event in stream {
                guard let self else { continue }
                self.deliver(event)
            }
        }
        events.withLock { $0 = task }
    }

    /// Calls the handler with `event`, if one is set, marked as running.
    private func deliver(_ event: SyncEvent) {
        let taken = handler.withLock { state -> EventHandler? in
            guard let current = state.current else { return nil }
            state.running = (state.epoch, pthread_self())
            return current
        }
        guard let taken else { return }
        session.encoded(event).withUnsafeBufferPointer { bytes in
            // The JSON is copied into a NUL-terminated buffer valid for the call.
            var text = Array(bytes)
            text.append(0)
            text.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { taken.function(taken.context, $0.baseAddress) }
            }
        }
        let waiters = handler.withLock { state -> [DispatchSemaphore] in
            state.running = nil
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.signal() }
    }

    /// Sets the handler (nil removes it) and returns once no call of an
    /// earlier handler runs: the app may then free the old context. Called
    /// from inside the handler (on the thread running it), it cannot wait
    /// for the call it is part of: it sets the handler and returns at once,
    /// and the old handler's call ends when the handler returns.
    /// Returns whether it waited or found nothing to wait for (false: it
    /// was called from inside the handler).
    @discardableResult
    func setHandler(_ new: EventHandler?) -> Bool {
        let wait = handler.withLock { state -> (DispatchSemaphore?, inside: Bool) in
            state.current = new
            state.epoch += 1
            guard let running = state.running, running.epoch < state.epoch else { return (nil, false) }
            if pthread_equal(running.thread, pthread_self()) != 0 { return (nil, true) }
            let semaphore = DispatchSemaphore(value: 0)
            state.waiters.append(semaphore)
            return (semaphore, false)
        }
        wait.0?.wait()
        return !wait.inside
    }

    /// Counts a call in flight, until it leaves `inFlight`.
    func enter() {
        inFlight.enter()
    }

    /// Cancels what the app's transport has not answered (the calls waiting
    /// for it end at once) and stops it calling the app, drops the requests
    /// the app did not answer (their handles name nothing from then on),
    /// waits for the calls in flight and for a handler call under way, then
    /// stops the events, the timer and background drains and waits for
    /// them to end, and closes the store: when it returns, nothing of the
    /// core runs any more and its file is closed.
    ///
    /// The first call closes; one racing it waits for that close to finish,
    /// and one after it returns at once. Every caller may then free what
    /// the core was given (the transport's context), whichever closed it.
    func close() {
        let waiter = DispatchSemaphore(value: 0)
        let closes = closing.withLock { state -> Bool in
            switch state {
            case .open:
                state = .closing(waiters: [])
                return true
            case .closing(let waiters):
                state = .closing(waiters: waiters + [waiter])
                return false
            case .closed:
                waiter.signal()
                return false
            }
        }
        guard closes else {
            waiter.wait()
            return
        }
        tearDown()
        let waiters = closing.withLock { state -> [DispatchSemaphore] in
            defer { state = .closed }
            guard case .closing(let waiters) = state else { return [] }
            return waiters
        }
        for waiter in waiters { waiter.signal() }
    }

    /// What `close()` does, run by its first caller.
    private func tearDown() {
        handler.withLock { state in
            state.current = nil
            state.epoch += 1
        }
        transport?.close()
        transport?.endpoint.abandonUnanswered()
        inFlight.wait()
        if let task = events.withLock({ $0 }) {
            task.cancel()
            blocking { await task.value }
        }
        // The engine stopped and the store's file closed now, so the
        // descriptors are released when ac_close returns, not whenever the
        // last task lets go of the session.
        let session = session
        blocking { await session.close() }
    }
}

/// Runs `body` to completion on Swift's concurrency pool and waits for it on
/// the calling thread: a C caller's thread, never one of the pool's.
///
/// The task lets go of `body`, and of what it holds (the session, the
/// engine), before it wakes the caller: the runtime releases a task's
/// closure only after the closure returns, so a body run directly would be
/// held by a pool thread past `done.signal()`, and the last reference to a
/// closed core could be dropped there after `ac_close` returned (its
/// connections still open, its memory still in use at exit).
func blocking<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value {
    let done = DispatchSemaphore(value: 0)
    let handedOver = LockedValue<(@Sendable () async -> Value)?>(body)
    let result = LockedValue<Value?>(nil)
    Task {
        if let body = handedOver.withLock({ body in defer { body = nil }; return body }) {
            let value = await body()
            result.withLock { $0 = value }
        }
        done.signal()
    }
    done.wait()
    guard let value = result.withLock({ $0 }) else { fatalError("a blocking task ended without a value") }
    return value
}
