import Libc

/// Why a server could not start.
package struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    package enum Reason: Sendable, Equatable {
        /// The host is not a loopback address, and `allowNonLoopback` is off:
        /// the emulator accepts any token, so it must not be reachable from
        /// other machines by accident.
        case nonLoopbackAddress
        /// The host is neither an IPv4 or IPv6 literal nor "localhost".
        case invalidAddress
        /// A limit or timeout of the configuration is out of range.
        case invalidConfiguration
        /// A system call failed; `errno` says why (EADDRINUSE from bind, ...).
        case systemCall
    }

    /// The kind of failure.
    package let reason: Reason
    /// The system call or check that failed ("bind", "host", "idleTimeout").
    package let operation: String
    /// The `errno` of a failed system call; 0 for other failures.
    package let errno: Int32
    /// What was being done, for the message ("127.0.0.1:8080").
    package let detail: String

    /// A failure of `reason` in `operation`.
    package init(_ reason: Reason, operation: String, errno: Int32 = 0, detail: String) {
        self.reason = reason
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    package var description: String {
        switch reason {
        case .nonLoopbackAddress:
            return "refusing to listen on non-loopback address \(detail) without allowNonLoopback"
        case .invalidAddress:
            return "not an IP address or localhost: \(detail)"
        case .invalidConfiguration:
            return "invalid HTTP server configuration: \(operation) \(detail)"
        case .systemCall:
            return "\(operation) \(detail): \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }
}
