import Libc
import POSIXThread

/// Where the domain reads the time. Injected everywhere, so every rule can be
/// tested at its exact edge and the emulator can move its own time forward.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Instant

    /// Returns once this clock reaches `deadline`, or when the task is
    /// cancelled: how the engine waits for the head of its queue to fall due.
    func wait(until deadline: Instant) async
}

extension WallClock {
    /// Sleeps for the time left until `deadline`, as this clock reads it now.
    public func wait(until deadline: Instant) async {
        let left = deadline.millisecondsSince1970 - now().millisecondsSince1970
        guard left > 0 else { return }
        try? await Task.sleep(for: .milliseconds(left))
    }
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
    /// The tasks sleeping until an instant this clock has not reached yet.
    private let sleepers = LockedValue<[UniqueID: (deadline: Instant, waiter: CheckedContinuation<Void, Never>)]>([:])

    /// Creates a clock standing at `start`.
    package init(_ start: Instant) {
        instant = LockedValue(start)
    }

    package func now() -> Instant { instant.withLock { $0 } }

    /// Moves the clock to `date`.
    package func set(_ date: Instant) {
        instant.withLock { $0 = date }
        wakeSleepers()
    }

    /// Moves the clock forward by `seconds`.
    package func advance(by seconds: Double) {
        instant.withLock { $0 = $0.adding(seconds: seconds) }
        wakeSleepers()
    }

    /// Returns once the clock is set or advanced to `deadline` or past it
    /// (at once if it is there already), or when the task is cancelled.
    public func wait(until deadline: Instant) async {
        let id = UniqueID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let registered = sleepers.withLock { sleepers -> Bool in
                    guard !Task.isCancelled else { return false }
                    sleepers[id] = (deadline, waiter)
                    return true
                }
                if !registered { waiter.resume() } else { wakeSleepers() }
            }
        } onCancel: {
            sleepers.withLock { $0.removeValue(forKey: id) }?.waiter.resume()
        }
    }

    /// Resumes the sleepers whose instant has come; each is taken out under
    /// the lock, so each is resumed once.
    private func wakeSleepers() {
        let now = now()
        let due = sleepers.withLock { sleepers in
            let due = sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { sleepers.removeValue(forKey: id) }
            return Array(due.values)
        }
        for sleeper in due { sleeper.waiter.resume() }
    }

    /// How many tasks sleep on this clock: what shows a core is idle.
    package var sleeping: Int { sleepers.withLock { $0.count } }
}
