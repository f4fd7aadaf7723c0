/// An instant on the UTC time line, in whole milliseconds since
/// 1970-01-01T00:00:00Z: the contract's precision, kept in an integer so
/// that rules compare exactly (28 days are 28 days, never 28.000000001,
/// which `ceil` would call 29).
///
/// The core's own, so that it needs no Foundation; `description` is its
/// ISO 8601 form.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole milliseconds since 1970-01-01T00:00:00Z; negative before.
    public var millisecondsSince1970: Int64

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
    public init(millisecondsSince1970 milliseconds: Int64) {
        millisecondsSince1970 = milliseconds
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z, to the nearest
    /// millisecond.
    public init(secondsSince1970 seconds: Double) {
        millisecondsSince1970 = Self.milliseconds(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Double { Double(millisecondsSince1970) / 1000 }

    /// The instant `seconds` later (earlier when negative), to the nearest
    /// millisecond.
    public func adding(seconds: Double) -> Instant {
        Instant(millisecondsSince1970: millisecondsSince1970 &+ Self.milliseconds(seconds))
    }

    /// Seconds from `other` to this instant; negative when this is earlier.
    public func seconds(since other: Instant) -> Double {
        Double(millisecondsSince1970 &- other.millisecondsSince1970) / 1000
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// `2026-04-03T12:00:00.000Z`.
    public var description: String { ISO8601.format(self) }

    /// `seconds` in whole milliseconds, rounded to nearest; a value beyond
    /// what an instant can hold (or not a number) is clamped.
    private static func milliseconds(_ seconds: Double) -> Int64 {
        let milliseconds = (seconds * 1000).rounded()
        guard milliseconds.isFinite else { return milliseconds > 0 ? .max : .min }
        return Int64(exactly: milliseconds) ?? (milliseconds > 0 ? .max : .min)
    }
}

/// Milliseconds in one day of the contract: 86 400 s.
package let millisecondsPerDay: Int64 = 86_400_000
