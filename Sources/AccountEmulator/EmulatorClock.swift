import AccountCore
import FoundationEssentials
import POSIXThread

/// The emulator's time: a base clock plus an offset that the control API
/// moves forward, so a test can see a 28-day grace period run out at once.
final class EmulatorClock: WallClock {
    private let base: any WallClock
    private let offset: LockedValue<Double>

    init(base: any WallClock, offset: Double) {
        self.base = base
        self.offset = LockedValue(offset)
    }

    func now() -> Instant { base.now().adding(seconds: offset.withLock { $0 }) }

    /// Seconds the emulator runs ahead of its base clock.
    var offsetSeconds: Double { offset.withLock { $0 } }

    /// Moves the emulator's time forward; returns the new offset.
    func advance(by seconds: Double) -> Double {
        offset.withLock { value in
            value += seconds
            return value
        }
    }
}
