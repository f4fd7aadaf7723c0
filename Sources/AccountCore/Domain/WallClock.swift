import Libc
import POSIXThread

/// Where the domain reads the time. Injected everywhere, so every rule can be
/// tested at its exact edge and the emulator can move its own time forward.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Instant
}

/// The machine's clock.
public struct SystemClock: WallClock {
    /// Creates the machine's clock.
    public init() {}

    public func now() -> Instant {
        var time = timespec()
        // CLOCK_REALTIME cannot fail with a valid pointer.
        clock_gettime(CLOCK_REALTIME, &time)
        return Instant(millisecondsSince1970: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}

/// A clock that stands still until it is set or advanced: for tests and for
/// the emulator's control API.
package final class ManualClock: WallClock {
    private let instant: LockedValue<Instant>

    /// Creates a clock standing at `start`.
    package init(_ start: Instant) {
        instant = LockedValue(start)
    }

    package func now() -> Instant { instant.withLock { $0 } }

    /// Moves the clock to `date`.
    package func set(_ date: Instant) {
        instant.withLock { $0 = date }
    }

    /// Moves the clock forward by `seconds`.
    package func advance(by seconds: Double) {
        instant.withLock { $0 = $0.adding(seconds: seconds) }
    }
}
