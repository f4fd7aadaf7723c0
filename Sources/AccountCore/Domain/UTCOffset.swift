/// A fixed offset from UTC, written as the contract writes it: `UTC+05:45`.
///
/// Any offset from `UTC-12:00` to `UTC+14:00`, minutes 00 to 59; plain
/// `UTC` is the default and stands for `UTC+00:00`. Of these, the servers
/// accept the contract's 37 as `X-Timezone` (`isServerAccepted`).
public struct UTCOffset: Hashable, Sendable, CustomStringConvertible {
    /// Minutes east of UTC.
    public let minutes: Int

    /// UTC itself.
    public static let utc = UTCOffset(checkedMinutes: 0)

    /// The `X-Timezone` values the servers accept (the contract's list), in
    /// minutes, west to east. Other real offsets are shown, never sent.
    public static let serverAcceptedMinutes: [Int] = [
        -720, -660, -600, -570, -540, -420, -360, -300, -240, -210, -180, -120, -60, 0, 60, 120, 180, 210,
        240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765, 780, 840,
    ]

    /// The offsets people live at: UTC-12:00 through UTC+14:00, in whole
    /// minutes (history has had offsets like UTC+05:20).
    public static let range: ClosedRange<Int> = -720...840

    /// The offsets the servers accept, in order.
    public static var serverAccepted: [UTCOffset] { serverAcceptedMinutes.map(UTCOffset.init(checkedMinutes:)) }

    /// Whether the servers accept this offset as `X-Timezone`; when not, the
    /// header is left out and the server uses its default.
    public var isServerAccepted: Bool { Self.serverAcceptedMinutes.contains(minutes) }

    private init(checkedMinutes: Int) {
        minutes = checkedMinutes
    }

    /// The offset `minutes` east of UTC, if it is within `range`.
    public init?(minutes: Int) {
        guard Self.range.contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Parses `UTC`, `UTC+03:00`, `UTC-08:00`, `UTC+05:45`; nil for
    /// anything else, minutes past 59, or an offset outside `range`.
    public init?(_ text: String) {
        if text == "UTC" {
            self = .utc
            return
        }
        let bytes = Array(text.utf8)
        guard bytes.count == 9, text.hasPrefix("UTC"), bytes[6] == UInt8(ascii: ":"),
              bytes[3] == UInt8(ascii: "+") || bytes[3] == UInt8(ascii: "-"),
              let hours = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
              let minutes = Int(String(decoding: bytes[7..<9], as: UTF8.self)),
              bytes[4...5].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              bytes[7...8].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              minutes < 60 else { return nil }
        let sign = bytes[3] == UInt8(ascii: "-") ? -1 : 1
        self.init(minutes: sign * (hours * 60 + minutes))
    }

    /// `UTC+05:45`; UTC itself is `UTC+00:00`.
    public var description: String {
        let magnitude = abs(minutes)
        let hours = magnitude / 60, rest = magnitude % 60
        return "UTC" + (minutes < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + String(hours) + ":"
            + (rest < 10 ? "0" : "") + String(rest)
    }
}

/// What maps an instant to the offset in force there: a fixed offset, or a
/// place's rules with their daylight-saving changes (the system's zone,
/// read by the shell or the app where I/O is allowed). The domain and the
/// `Localizer` only ask; they never read a clock or a file.
public protocol OffsetZone: Sendable {
    /// The offset in force at `instant`.
    func offset(at instant: Instant) -> UTCOffset
}

extension UTCOffset: OffsetZone {
    /// A fixed offset: the same at every instant.
    public func offset(at instant: Instant) -> UTCOffset { self }
}
