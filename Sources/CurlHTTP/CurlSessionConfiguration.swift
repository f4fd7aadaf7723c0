import HTTPLimits

extension CurlSession {
    /// Limits that apply to every transfer of a session.
    package struct Configuration: Sendable {
        /// Seconds to establish a connection (TCP and TLS).
        package var connectTimeout: Double = 10
        /// Seconds for the whole transfer, connecting included.
        package var totalTimeout: Double = 30
        /// The largest response body accepted; a larger one fails with
        /// `.responseTooLarge`.
        package var maxResponseBytes: Int = HTTPResponseLimits.maximumBodyBytes

        /// The defaults: 10 s to connect, 30 s in all, 1 MiB of body.
        package init() {}

        /// `seconds` as curl's milliseconds, from 1 ms to 10⁹ ms (11.5 days).
        ///
        /// Never 0, which curl reads as "no limit": a zero, negative or NaN
        /// timeout fails fast instead of waiting forever.
        static func milliseconds(_ seconds: Double) -> Int {
            let milliseconds = (seconds * 1000).rounded(.up)
            guard milliseconds >= 1 else { return 1 }
            return milliseconds < 1_000_000_000 ? Int(milliseconds) : 1_000_000_000
        }
    }
}
