import AccountCore
import FoundationEssentials
import POSIXThread

/// The emulator's time: a base clock plus an offset that the control API
/// moves forward, so a test can see a 28-day grace period run out at once.
final class EmulatorClock: WallClock {
    private let base: any WallClock
    private let offset: LockedValue<TimeInterval>

    init(base: any WallClock, offset: TimeInterval) {
        self.base = base
        self.offset = LockedValue(offset)
    }

    func now() -> Date { base.now().addingTimeInterval(offset.withLock { $0 }) }

    /// Seconds the emulator runs ahead of its base clock.
    var offsetSeconds: TimeInterval { offset.withLock { $0 } }

    /// Moves the emulator's time forward; returns the new offset.
    func advance(by seconds: TimeInterval) -> TimeInterval {
        offset.withLock { value in
            value += seconds
            return value
        }
    }
}
