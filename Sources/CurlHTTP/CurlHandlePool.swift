import POSIXThread

/// The idle handles of a session. A transfer takes the most recently used
/// one, whose connection is the likeliest to be still alive, and gives it
/// back when done; concurrent transfers each get their own.
final class CurlHandlePool: Sendable {
    /// The most idle handles kept; more are cleaned up when given back.
    static let maxIdleHandles = 8

    /// Idle handles, most recently used last.
    private let idle = LockedValue<[CurlHandle]>([])

    /// An empty pool.
    init() {}

    /// An idle handle, or a new one when none is idle.
    func take() throws(CurlError) -> CurlHandle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return try CurlHandle()
    }

    /// Gives `handle` back, its options cleared (the body copy, the URL and
    /// pointers into the ended transfer) and its connections kept.
    func put(_ handle: CurlHandle) {
        handle.clearOptions()
        // A handle not kept is cleaned up when this returns, outside the lock.
        idle.withLock { idle in
            if idle.count < Self.maxIdleHandles { idle.append(handle) }
        }
    }

    /// The number of idle handles.
    var idleCount: Int { idle.withLock { $0.count } }
}
