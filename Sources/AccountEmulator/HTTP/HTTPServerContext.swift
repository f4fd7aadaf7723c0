import Dispatch
import POSIXThread
import Synchronization
import Libc

/// What the accepting thread and every connection thread of one server
/// share. Separate from `HTTPServer` so that the threads do not keep the
/// server alive: dropping the server stops it.
final class HTTPServerContext: Sendable {
    /// The configuration the server was started with.
    let configuration: HTTPServer.Configuration
    /// Answers requests.
    let handler: HTTPHandler
    /// The names the server answers to.
    let hostCheck: HTTPHostCheck
    /// The parser's limits, from the configuration.
    let limits: HTTPRequestParser.Limits
    /// Read end of the stop signal: readable once the server is stopping, and
    /// then for good (nobody reads it), so every `poll` including it wakes.
    let wakeDescriptor: Int32
    /// Write end of the stop signal.
    private let wakeWriteDescriptor: Int32
    /// Whether `stop()` has begun.
    private let stopping = Atomic<Bool>(false)
    /// The last connection ID handed out.
    private let lastConnectionID = Atomic<Int>(0)
    /// Connections accepted and not yet closed.
    private let openConnections = Atomic<Int>(0)
    /// Entered for each connection accepted, left when it closes: what
    /// waits for every connection to close waits on it.
    private let connections = DispatchGroup()
    /// Entered for the accepting thread and each connection thread, left
    /// when one ends: `stop()` waits on it.
    let threads = DispatchGroup()
    /// One semaphore for each thread waiting in `waitUntilOpenConnections`,
    /// signalled whenever a connection closes.
    private let closeWaiters = LockedValue<[DispatchSemaphore]>([])
    /// The connection threads running now, so that `stop()` called from a
    /// handler knows not to wait for its own thread.
    private let connectionThreads = LockedValue<Set<pthread_t>>([])

    /// A context for a server with `configuration`, `hostCheck` and `handler`.
    init(configuration: HTTPServer.Configuration, hostCheck: HTTPHostCheck,
         handler: @escaping HTTPHandler) throws(HTTPServerError) {
        self.configuration = configuration
        self.hostCheck = hostCheck
        self.handler = handler
        limits = HTTPRequestParser.Limits(maxHeaderBytes: configuration.maxHeaderBytes,
                                          maxBodyBytes: configuration.maxBodyBytes)
        // A socket pair rather than a pipe: its type takes SOCK_CLOEXEC, so
        // no subprocess started meanwhile inherits it (the module has no pipe2).
        var descriptors: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &descriptors) == 0 else {
            throw HTTPServerError(.systemCall, operation: "socketpair", errno: errno, detail: "stop signal")
        }
        wakeDescriptor = descriptors[0]
        wakeWriteDescriptor = descriptors[1]
    }

    deinit {
        // Every thread that polled the signal has ended: they hold this object.
        close(wakeDescriptor)
        close(wakeWriteDescriptor)
    }

    /// Whether the server is stopping: a response now closes its connection.
    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Marks the server stopping and wakes every thread waiting in `poll`.
    func beginStopping() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        // The socket is empty, so one byte always fits.
        _ = write(wakeWriteDescriptor, &byte, 1)
    }

    /// A new connection's ID: 1, 2, 3, ...
    func nextConnectionID() -> Int {
        lastConnectionID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Runs `body`, the serving of one connection, on the calling thread,
    /// known as a connection thread meanwhile.
    func runConnectionThread(_ body: () -> Void) {
        let thread = pthread_self()
        connectionThreads.withLock { _ = $0.insert(thread) }
        defer { connectionThreads.withLock { _ = $0.remove(thread) } }
        body()
    }

    /// Whether the calling thread is one of this server's connection threads.
    var isOnConnectionThread: Bool {
        let thread = pthread_self()
        return connectionThreads.withLock { $0.contains(thread) }
    }

    /// Counts a connection as open, until `connectionClosed()`.
    func connectionOpened() {
        openConnections.wrappingAdd(1, ordering: .relaxed)
        connections.enter()
    }

    /// Counts a connection as closed.
    func connectionClosed() {
        openConnections.wrappingSubtract(1, ordering: .relaxed)
        connections.leave()
        closeWaiters.withLock { waiters in waiters.forEach { $0.signal() } }
    }

    /// Whether `maxConnections` are open: a new one is refused. Only the
    /// accepting thread opens connections, so the count cannot pass the
    /// cap between this check and `connectionOpened()`.
    var isFull: Bool { openConnectionCount >= configuration.maxConnections }

    /// Waits until at most `limit` connections are open, at most `seconds`;
    /// false when more still are.
    func waitUntilOpenConnections(atMost limit: Int, seconds: Double) -> Bool {
        let deadline = DispatchTime.now() + seconds
        let closed = DispatchSemaphore(value: 0)
        // Registered before the count is read, so no close is missed.
        closeWaiters.withLock { $0.append(closed) }
        defer { closeWaiters.withLock { $0.removeAll { $0 === closed } } }
        while openConnectionCount > limit {
            if closed.wait(timeout: deadline) == .timedOut { return openConnectionCount <= limit }
        }
        return true
    }

    /// Waits until no connection is open, at most `seconds`; false when one
    /// still is.
    func waitUntilNoConnections(seconds: Double) -> Bool {
        connections.wait(timeout: .now() + seconds) == .success
    }

    /// Connections accepted and not yet closed.
    var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// `configuration.requestTimeout` as a duration.
    var requestTimeout: Duration { .seconds(configuration.requestTimeout) }

    /// `configuration.idleTimeout` as a duration.
    var idleTimeout: Duration { .seconds(configuration.idleTimeout) }
}
