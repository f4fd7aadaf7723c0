/// Exponential backoff with full jitter (base 1 s, cap 5 min): the n-th
/// retry waits a uniformly random time from 0 to min(cap, base × 2ⁿ⁻¹), so
/// many phones coming back online at once do not retry in step.
struct Backoff {
    /// Seconds before the first retry, at most.
    static let base: Double = 1
    /// The longest wait.
    static let cap: Double = 300

    /// Seconds to wait before attempt `attempts + 1`, never less than the
    /// server's `retryAfter`.
    static func delay(afterAttempts attempts: Int, retryAfter: Int?,
                      using generator: inout some RandomNumberGenerator) -> Double {
        let exponent = min(max(attempts - 1, 0), 20)
        let ceiling = min(cap, base * Double(1 << exponent))
        let jitter = Double.random(in: 0...ceiling, using: &generator)
        return max(jitter, Double(retryAfter ?? 0))
    }
}
