/// A fixed offset from UTC, written as the contract writes it: `UTC+05:45`.
///
/// Only the contract's 37 offsets (`UTC-12:00` … `UTC+14:00`) exist; plain
/// `UTC` is the default and stands for `UTC+00:00`.
public struct UTCOffset: Hashable, Sendable, CustomStringConvertible {
    /// Minutes east of UTC.
    public let minutes: Int

    /// UTC itself.
    public static let utc = UTCOffset(checkedMinutes: 0)

    /// The offsets the contract allows, in minutes, west to east.
    public static let allowedMinutes: [Int] = [
        -720, -660, -600, -570, -540, -420, -360, -300, -240, -210, -180, -120, -60, 0, 60, 120, 180, 210,
        240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765, 780, 840,
    ]

    /// All allowed offsets, in order.
    public static var all: [UTCOffset] { allowedMinutes.map(UTCOffset.init(checkedMinutes:)) }

    private init(checkedMinutes: Int) {
        minutes = checkedMinutes
    }

    /// The offset `minutes` east of UTC, if the contract allows it.
    public init?(minutes: Int) {
        guard Self.allowedMinutes.contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Parses `UTC`, `UTC+03:00`, `UTC-09:30`; nil for anything else, or an
    /// offset outside the contract's list.
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
              bytes[7...8].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
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
