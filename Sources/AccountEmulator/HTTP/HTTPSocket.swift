import Libc

/// The socket calls the server makes. Every descriptor is close-on-exec and
/// non-blocking: waiting is done in `poll`, with a deadline, so no call can
/// hang a thread on a client that stopped reading or writing.
enum HTTPSocket {
    /// A bound, listening socket and the port it got.
    static func openListener(on address: HTTPListenAddress, port: UInt16, host: String)
        throws(HTTPServerError) -> (descriptor: Int32, port: UInt16) {
        let detail = "\(host):\(port)"
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else {
            throw HTTPServerError(.systemCall, operation: "socket", errno: errno, detail: detail)
        }
        do throws(HTTPServerError) {
            // A restarted emulator must get its fixed port back while the
            // previous run's connections sit in TIME_WAIT.
            try setOption(descriptor, SOL_SOCKET, SO_REUSEADDR, 1, detail: detail)
            if case .ipv6 = address {
                // "::" means IPv6 only, whatever the system's default.
                try setOption(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, detail: detail)
            }
            let bound = address.withSocketAddress(port: port) { bind(descriptor, $0, $1) }
            guard bound == 0 else {
                throw HTTPServerError(.systemCall, operation: "bind", errno: errno, detail: detail)
            }
            guard listen(descriptor, SOMAXCONN) == 0 else {
                throw HTTPServerError(.systemCall, operation: "listen", errno: errno, detail: detail)
            }
            return (descriptor, try boundPort(descriptor, detail: detail))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// The next pending connection, non-blocking and close-on-exec, with
    /// Nagle's algorithm off.
    static func accept(_ listener: Int32) -> Result<Int32, AcceptFailure> {
        let descriptor = acceptCloseOnExec(listener)
        guard descriptor >= 0 else {
            switch errno {
            case EAGAIN, EWOULDBLOCK: return .failure(.nonePending)
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .failure(.outOfResources)
            // Errors of the one connection, or pending network errors that
            // accept(2) says to treat like EAGAIN.
            case EINTR, ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
                 EOPNOTSUPP, ENETUNREACH, ETIMEDOUT:
                return .failure(.connectionFailed)
            default: return .failure(.listenerBroken)
            }
        }
        // A response is written in one call; without Nagle it leaves at once
        // instead of waiting for the client's delayed ACK of the last one.
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .success(descriptor)
    }

    /// `accept4(2)`'s signature; the Glibc module leaves it out (it is a GNU
    /// extension), so it is looked up at run time.
    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?,
                                                UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// `accept4` from the C library, when it has one (glibc has since 2.10).
    private static let accept4: Accept4? = dlsym(nil, "accept4").map { unsafeBitCast($0, to: Accept4.self) }

    /// Accepts a connection that is close-on-exec and non-blocking from the
    /// start: set afterwards, a subprocess spawned in between (a test's curl)
    /// could inherit the socket and keep it open after we close it.
    private static func acceptCloseOnExec(_ listener: Int32) -> Int32 {
        if let accept4 {
            return accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue))
        }
        let descriptor = Libc.accept(listener, nil, nil)
        if descriptor >= 0 {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        return descriptor
    }

    /// Why `accept` gave no connection.
    enum AcceptFailure: Error {
        /// No connection is waiting.
        case nonePending
        /// The process is out of descriptors or memory: wait before retrying,
        /// or the loop would spin.
        case outOfResources
        /// That one connection failed (reset before it was accepted, ...).
        case connectionFailed
        /// The listener itself is unusable (EBADF, EINVAL: no longer
        /// listening): retrying would spin forever.
        case listenerBroken
    }

    /// What a wait for a descriptor to become readable ended with.
    struct Readiness {
        /// The descriptor is readable, or at end of file, or in error.
        var readable = false
        /// The wake descriptor is readable: the server is stopping.
        var woken = false
    }

    /// Waits until `descriptor` is readable, `wake` is readable, or
    /// `deadline` passes (then both flags are false).
    static func waitReadable(_ descriptor: Int32, wake: Int32?, until deadline: ContinuousClock.Instant) -> Readiness {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        if let wake { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds(until: deadline))
            if ready < 0 {
                if errno == EINTR { continue }
                // Only EFAULT, EINVAL or ENOMEM: report readable, so that the
                // read that follows fails and the connection is closed.
                return Readiness(readable: true, woken: false)
            }
            if ready == 0 {
                if ContinuousClock.now < deadline { continue }
                return Readiness()
            }
            let problem = Int16(POLLIN | POLLERR | POLLHUP | POLLNVAL)
            return Readiness(readable: descriptors[0].revents & problem != 0,
                             woken: descriptors.count > 1 && descriptors[1].revents & problem != 0)
        }
    }

    /// What one `receive` got.
    enum Received {
        /// This many bytes were appended.
        case bytes(Int)
        /// Nothing is there yet.
        case nothingYet
        /// The peer closed its side, or the connection failed.
        case closed
    }

    /// Appends what is readable on `descriptor` to `buffer`, at most
    /// `scratch.count` bytes, without waiting.
    static func receive(_ descriptor: Int32, into buffer: inout [UInt8], scratch: inout [UInt8]) -> Received {
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: scratch[0..<count])
                return .bytes(count)
            }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .nothingYet
            default: return .closed
            }
        }
    }

    /// Writes all of `bytes`; false when the connection failed or the client
    /// took no bytes for `stallTimeout` (it stopped reading).
    static func sendAll(_ descriptor: Int32, _ bytes: [UInt8], stallTimeout: Duration) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that went away gives EPIPE, not SIGPIPE,
            // which would kill the whole process.
            let count = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
                let deadline = ContinuousClock.now + stallTimeout
                var ready: Int32
                repeat {
                    ready = poll(&descriptors, 1, milliseconds(until: deadline))
                } while ready < 0 && errno == EINTR
                if ready <= 0 { return false }
            default:
                return false
            }
        }
        return true
    }

    /// Closes `descriptor` after a response was sent: the write side first,
    /// then whatever the client still sends is read and dropped until it
    /// closes too or `linger` passes. Closing with unread bytes would make the
    /// kernel send a reset, which can destroy the response before the client
    /// reads it (a 413 sent while the client still uploads its body).
    static func closeAfterResponse(_ descriptor: Int32, linger: Duration) {
        shutdown(descriptor, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + linger
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var discarded: [UInt8] = []
        var total = 0
        // Bounded, so a client that keeps sending cannot keep us here.
        while total < 1 << 20 {
            guard waitReadable(descriptor, wake: nil, until: deadline).readable else { break }
            guard case .bytes(let count) = receive(descriptor, into: &discarded, scratch: &scratch) else { break }
            total += count
            discarded.removeAll(keepingCapacity: true)
        }
        closeNow(descriptor)
    }

    /// Shuts `descriptor` down, then closes it. `close` alone only drops this
    /// process's reference: a subprocess being spawned at that moment holds
    /// a copy of every descriptor until it calls exec, and would keep a
    /// listener accepting or a connection open after we said it was closed.
    /// `shutdown` acts on the socket itself: a listener stops listening, a
    /// connection is ended for both sides.
    static func closeNow(_ descriptor: Int32) {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    /// Sets an integer socket option.
    private static func setOption(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32,
                                  detail: String) throws(HTTPServerError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw HTTPServerError(.systemCall, operation: "setsockopt", errno: errno, detail: detail)
        }
    }

    /// The port a bound socket got (the one the kernel picked for port 0).
    private static func boundPort(_ descriptor: Int32, detail: String) throws(HTTPServerError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else {
            throw HTTPServerError(.systemCall, operation: "getsockname", errno: errno, detail: detail)
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port) }
        case AF_INET6:
            return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in6.self).sin6_port) }
        default:
            throw HTTPServerError(.systemCall, operation: "getsockname", errno: EAFNOSUPPORT, detail: detail)
        }
    }

    /// Milliseconds from now to `deadline` for `poll`, rounded up (so a wait
    /// does not end just short of its deadline), 0 when it has passed.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return Int32.max }
        let total = milliseconds.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
