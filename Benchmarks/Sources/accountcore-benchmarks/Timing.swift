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

extension Samples {
    /// `reference[i] ÷ ours[i]` for each round: the ratio of one round,
    /// where both sides ran side by side. Above 1 means ours took less time.
    static func ratios(reference: [Double], ours: [Double]) -> [Double] {
        zip(reference, ours).map { $0 / $1 }
    }
}

/// Interleaved rounds of several sides, and how many calls make a round.
enum Rounds {
    /// Runs each of `sides` once per round, `rounds` times, each round
    /// starting with the next side in turn, so that no side always follows
    /// the same one (its cache misses, its WAL checkpoint). Returns what
    /// each side returned, per side, in round order.
    static func interleaved(_ rounds: Int, _ sides: [() throws -> Double]) throws -> [[Double]] {
        var samples = [[Double]](repeating: [], count: sides.count)
        for round in 0..<rounds {
            for offset in 0..<sides.count {
                let side = (round + offset) % sides.count
                samples[side].append(try sides[side]())
            }
        }
        return samples
    }

    /// How many calls make a round of about `target` seconds, between 1 and
    /// `most`: `round(n)` (which makes n calls and returns their seconds) is
    /// tried with 1, 2, 4, ... calls until a try lasts a tenth of the
    /// target. The tries also warm the code paths up, untimed.
    static func calls(filling target: Double, most: Int, _ round: (Int) throws -> Double) rethrows -> Int {
        var count = 1
        while true {
            let seconds = try round(count)
            if seconds >= target / 10 || count >= most {
                let perCall = seconds / Double(count)
                guard perCall > 0 else { return most }
                return max(1, min(most, Int(target / perCall)))
            }
            count *= 2
        }
    }
}
