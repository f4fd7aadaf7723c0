#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Wall-clock seconds between two instants of the monotonic clock.
///
/// `CLOCK_MONOTONIC` rather than the wall clock: an NTP step during a run
/// must not turn into a figure.
enum Stopwatch {
    /// Now, in seconds since an arbitrary fixed point.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// How long `body` took, in seconds, with what it returned.
    static func time<Value>(_ body: () throws -> Value) rethrows -> (seconds: Double, value: Value) {
        let began = now()
        let value = try body()
        return (now() - began, value)
    }

    /// How long `body` took, in seconds, with what it returned.
    static func time<Value>(_ body: () async throws -> Value) async rethrows -> (seconds: Double, value: Value) {
        let began = now()
        let value = try await body()
        return (now() - began, value)
    }
}

/// Summaries of repeated samples. The machines are shared and noisy, so a
/// figure is a median, never a mean that one descheduled run can drag.
enum Samples {
    /// The median of `values` (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The smallest and largest of `values`, to show the spread beside a median.
    static func range(_ values: [Double]) -> (low: Double, high: Double) {
        (values.min() ?? .nan, values.max() ?? .nan)
    }
}

/// Keeps results alive so the optimizer cannot drop the work that made them.
///
/// Each figure's loop folds its results into a `Sink`; the total is checked
/// after the loop, which makes it an observable effect of every iteration.
struct Sink {
    private(set) var total: UInt64 = 0

    mutating func consume(_ value: UInt64) {
        total = total &+ value
    }

    mutating func consume(_ value: Int) {
        consume(UInt64(truncatingIfNeeded: value))
    }
}
