import FoundationEssentials

/// Rules compare instants at the contract's precision, whole milliseconds, in
/// integers: `Date` holds a `Double` of seconds since 2001, where 28 days can
/// come out as 28.000000001 days and `ceil` would then say 29.
extension Date {
    /// Whole milliseconds since 1970-01-01T00:00:00Z, rounded to nearest.
    package var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
    package init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}

/// Milliseconds in one day of the contract: 86 400 s.
package let millisecondsPerDay: Int64 = 86_400_000
