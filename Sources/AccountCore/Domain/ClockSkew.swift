
/// How far the server's clock is from ours.
///
/// A deadline is the server's: a phone whose clock runs 10 minutes slow would
/// otherwise show a cancel as still possible after the server stopped
/// accepting it. Countdowns therefore use the corrected now.
package struct ClockSkew: Hashable, Sendable {
    /// Server time minus local time, in seconds.
    package let offset: Double

    /// No known difference.
    package static let none = ClockSkew(offset: 0)

    /// Creates a skew of `offset` seconds (server minus local).
    package init(offset: Double) {
        self.offset = offset
    }

    /// The skew implied by the server stamping `serverTime` on an answer that
    /// arrived at `localInstant`.
    package init(serverTime: Instant, observedAt localInstant: Instant) {
        self.offset = serverTime.seconds(since: localInstant)
    }

    /// The server's idea of `localInstant`.
    package func serverTime(at localInstant: Instant) -> Instant {
        localInstant.adding(seconds: offset)
    }
}

/// A clock that reads another and corrects it by a skew.
package struct SkewCorrectedClock: WallClock {
    /// The clock read.
    package let base: any WallClock
    /// The correction applied.
    package let skew: ClockSkew

    /// Creates a clock reading `base`, corrected by `skew`.
    package init(base: any WallClock, skew: ClockSkew) {
        self.base = base
        self.skew = skew
    }

    package func now() -> Instant { skew.serverTime(at: base.now()) }
}
