import FoundationEssentials
import POSIXThread

/// Where the domain reads the time. Injected everywhere, so every rule can be
/// tested at its exact edge and the emulator can move its own time forward.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    /// Creates the machine's clock.
    public init() {}

    public func now() -> Date { Date() }
}

/// A clock that stands still until it is set or advanced: for tests and for
/// the emulator's control API.
public final class ManualClock: WallClock {
    private let instant: LockedValue<Date>

    /// Creates a clock standing at `start`.
    public init(_ start: Date) {
        instant = LockedValue(start)
    }

    public func now() -> Date { instant.withLock { $0 } }

    /// Moves the clock to `date`.
    public func set(_ date: Date) {
        instant.withLock { $0 = date }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        instant.withLock { $0 += seconds }
    }
}
