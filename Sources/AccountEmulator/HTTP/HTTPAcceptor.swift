import POSIXThread
import Libc

/// The accepting thread: hands each new connection a thread of its own,
/// until the server stops; beyond `maxConnections`, answers 503 itself.
enum HTTPAcceptor {
    /// Accepts on `listener` until `context` is stopping, then closes it, so
    /// that connecting is refused from then on. Runs on its own thread.
    static func run(listener: Int32, context: HTTPServerContext) {
        defer {
            HTTPSocket.closeNow(listener)
            context.threads.leave()
        }
        var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: context.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 || context.isStopping { return }
            if descriptors[0].revents & Int16(POLLERR | POLLNVAL) != 0 { return }
            guard acceptPending(listener: listener, context: context) else { return }
        }
    }

    /// Accepts every connection waiting on `listener`; false when the
    /// listener is unusable and accepting must end.
    private static func acceptPending(listener: Int32, context: HTTPServerContext) -> Bool {
        while true {
            switch HTTPSocket.accept(listener) {
            case .failure(.nonePending):
                return true
            case .failure(.connectionFailed):
                continue
            case .failure(.outOfResources):
                // The connection stays queued; retry after a pause (cut short
                // by stop) rather than spin while descriptors are exhausted.
                var wake = pollfd(fd: context.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&wake, 1, 50)
                return true
            case .failure(.listenerBroken):
                return false
            case .success(let descriptor):
                if context.isFull {
                    refuseBusy(descriptor)
                } else {
                    start(descriptor, context: context)
                }
            }
        }
    }

    /// The whole answer to a connection beyond the cap.
    private static let busyResponse = HTTPResponseEncoder.encode(
        HTTPResponse(status: 503, headers: ["Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"],
                     body: Array("503 Service Unavailable: too many open connections; try again\n".utf8)),
        keepAlive: false, isHeadRequest: false)

    /// Answers `descriptor` 503 and closes it, on the accepting thread and
    /// without waiting: one `send` into the new socket's empty buffer, which
    /// a response this small fits. Whatever the client already sent is read
    /// and dropped first, since closing with unread bytes resets the
    /// connection and can destroy the answer before the client reads it.
    private static func refuseBusy(_ descriptor: Int32) {
        _ = busyResponse.withUnsafeBytes { raw in
            send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
        var scratch = [UInt8](repeating: 0, count: 4096)
        // Bounded: only what has already arrived, at most 64 KiB.
        for _ in 0..<16 {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count <= 0 { break }
        }
        HTTPSocket.closeNow(descriptor)
    }

    /// Serves `descriptor` on a new thread; closes it when there is none.
    private static func start(_ descriptor: Int32, context: HTTPServerContext) {
        let id = context.nextConnectionID()
        context.threads.enter()
        context.connectionOpened()
        let started = DetachedThread.detach {
            context.runConnectionThread {
                HTTPConnection(descriptor: descriptor, id: id, context: context).run()
            }
            context.connectionClosed()
            context.threads.leave()
        }
        if !started {
            HTTPSocket.closeNow(descriptor)
            context.connectionClosed()
            context.threads.leave()
        }
    }
}
