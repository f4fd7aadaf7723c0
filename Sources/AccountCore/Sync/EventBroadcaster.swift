import POSIXThread

/// Hands every event to every current listener.
final class EventBroadcaster: Sendable {
    private let listeners = LockedValue<[UniqueID: AsyncStream<SyncEvent>.Continuation]>([:])

    /// A new stream of the events from now on. A slow reader keeps the
    /// newest 1 000 events rather than holding up the engine.
    func stream() -> AsyncStream<SyncEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SyncEvent.self, bufferingPolicy: .bufferingNewest(1_000))
        let id = UniqueID()
        continuation.onTermination = { [weak self] _ in
            self?.listeners.withLock { _ = $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }

    func emit(_ event: SyncEvent) {
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    deinit {
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
