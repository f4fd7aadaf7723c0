import Dispatch
import POSIXThread

/// Fired once when the emulator stops: what a `delay` fault waits on
/// besides its time, so that stopping an emulator with a long-delayed
/// request in flight returns at once instead of after the delay.
final class StopSignal: Sendable {
    /// Entered once; left by `fire()`, which wakes every waiter.
    private let group = DispatchGroup()
    private let fired = LockedValue(false)

    init() {
        group.enter()
    }

    // A group still entered when it goes is never freed (AddressSanitizer
    // saw it leak when an emulator failed to start): leave it first.
    deinit {
        fire()
    }

    /// Wakes every `wait`, now and later. Only the first call counts.
    func fire() {
        let first = fired.withLock { fired in
            defer { fired = true }
            return !fired
        }
        if first { group.leave() }
    }

    /// Waits `milliseconds`, or until `fire()`; true when fired.
    func wait(milliseconds: Int) -> Bool {
        group.wait(timeout: .now() + .milliseconds(max(0, milliseconds))) == .success
    }
}
