import FoundationEssentials

/// How far the server's clock is from ours.
///
/// A deadline is the server's: a phone whose clock runs 10 minutes slow would
/// otherwise show a cancel as still possible after the server stopped
/// accepting it. Countdowns therefore use the corrected now.
public struct ClockSkew: Hashable, Sendable, Codable {
    /// Server time minus local time, in seconds.
    public let offset: TimeInterval

    /// No known difference.
    public static let none = ClockSkew(offset: 0)

    /// Creates a skew of `offset` seconds (server minus local).
    public init(offset: TimeInterval) {
        self.offset = offset
    }

    /// The skew implied by the server stamping `serverTime` on an answer that
    /// arrived at `localInstant`.
    public init(serverTime: Date, observedAt localInstant: Date) {
        self.offset = serverTime.timeIntervalSince(localInstant)
    }

    /// The server's idea of `localInstant`.
    public func serverTime(at localInstant: Date) -> Date {
        localInstant.addingTimeInterval(offset)
    }
}

/// A clock that reads another and corrects it by a skew.
public struct SkewCorrectedClock: WallClock {
    /// The clock read.
    public let base: any WallClock
    /// The correction applied.
    public let skew: ClockSkew

    /// Creates a clock reading `base`, corrected by `skew`.
    public init(base: any WallClock, skew: ClockSkew) {
        self.base = base
        self.skew = skew
    }

    public func now() -> Date { skew.serverTime(at: base.now()) }
}
