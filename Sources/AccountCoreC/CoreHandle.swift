import AccountCore
import AccountSession
import CAccountCore
import Dispatch
import HostTransport
import POSIXThread

/// What an `ac_core *` points at: the session, the calls in flight (so
/// `ac_close` can wait for them), the event handler, and the app's
/// transport when it gave one.
final class CoreHandle: Sendable {
    let session: Session
    /// The app's transport, closed first by `close`.
    private let transport: HostTransport<CTransport>?
    /// The calls in flight: each enters on its way in and leaves on its way
    /// out, and `close` waits on it.
    private let inFlight = DispatchGroup()
    private let handler = LockedValue<EventHandler?>(nil)
    private let events: LockedValue<Task<Void, Never>?> = LockedValue(nil)

    /// A C function pointer and its context; the caller guarantees the
    /// context lives until the handler is replaced or the core is closed.
    struct EventHandler: @unchecked Sendable {
        let function: ac_event_handler
        let context: UnsafeMutableRawPointer?
    }

    init(session: Session, transport: HostTransport<CTransport>?) {
        self.session = session
        self.transport = transport
        let stream = session.engine.events
        let task = Task { [weak self] in
            for await event in stream {
                guard let self, let handler = self.handler.withLock({ $0 }) else { continue }
                self.session.json(event).encoded.withUnsafeBufferPointer { bytes in
                    // The JSON is copied into a NUL-terminated buffer valid for the call.
                    var text = Array(bytes)
                    text.append(0)
                    text.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) { handler.function(handler.context, $0.baseAddress) }
                    }
                }
            }
        }
        events.withLock { $0 = task }
    }

    func setHandler(_ handler: EventHandler?) {
        self.handler.withLock { $0 = handler }
    }

    /// Runs `body`, counted as a call in flight.
    func call<Value, Failure>(_ body: () throws(Failure) -> Value) throws(Failure) -> Value {
        inFlight.enter()
        defer { inFlight.leave() }
        return try body()
    }

    /// Cancels what the app's transport has not answered (the calls waiting
    /// for it end at once) and stops it calling the app, waits for the calls
    /// in flight and for a handler call under way, then stops the events,
    /// the timer and background drains and waits for them to end, and
    /// closes the store: when it returns, nothing of the core runs any more
    /// and its file is closed.
    func close() {
        handler.withLock { $0 = nil }
        transport?.close()
        inFlight.wait()
        if let task = events.withLock({ $0 }) {
            task.cancel()
            blocking { await task.value }
        }
        let engine = session.engine
        blocking { await engine.shutdown() }
        // Nothing uses the store any more: close its file now, so the
        // descriptors are released when ac_close returns, not whenever the
        // last task lets go of the session.
        session.store.close()
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
