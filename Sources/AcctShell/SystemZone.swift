import AccountCore
import Libc

/// The system's time zone, as the C library knows it: `TZ`, else
/// `/etc/localtime`, through its time-zone database (`tzset`,
/// `localtime_r`, `tm_gmtoff`). Each instant gets the offset in force then,
/// so a date after a daylight-saving change shows its own offset. The zone
/// is the process's: acct reads it once, at start.
struct SystemZone: OffsetZone {
    init() {
        tzset()
    }

    func offset(at instant: Instant) -> UTCOffset {
        let milliseconds = instant.millisecondsSince1970
        // Whole seconds, rounded down, as the C library counts them.
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return .utc }
        // An offset in odd seconds (a local mean time of old) is shown to the minute.
        return UTCOffset(minutes: Int(parts.tm_gmtoff) / 60) ?? .utc
    }
}
