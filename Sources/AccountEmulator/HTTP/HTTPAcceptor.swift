import POSIXThread
import Libc

/// The accepting thread: hands each new connection a thread of its own,
/// until the server stops.
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
                start(descriptor, context: context)
            }
        }
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
