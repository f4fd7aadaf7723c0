/// A random (version 4) UniqueID, RFC 9562: what names an operation, keys its
/// idempotent sends, and stands for a person known only by a token.
///
/// The core's own, so that it needs no Foundation. Its bits come from the
/// system's cryptographically secure source (`SystemRandomNumberGenerator`).
public struct UniqueID: Hashable, Sendable, CustomStringConvertible {
    /// The 16 bytes, in network order.
    public let bytes: [UInt8]

    /// A new random UniqueID: 122 random bits, version 4, variant 10.
    public init() {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        self.bytes = bytes
    }

    /// The UniqueID `text` spells (`8-4-4-4-12` hexadecimal digits, either case);
    /// nil for anything else.
    public init?(uuidString text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        for (index, character) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = Self.nibble(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.bytes = bytes
    }

    /// Upper-case text, as the store has always written it
    /// (`0B6E1F0A-1111-4A5B-8C9D-000000000001`).
    public var uuidString: String { text(digits: Self.upperDigits) }

    /// Lower-case text, as RFC 9562 recommends and the wire carries it.
    public var description: String { text(digits: Self.lowerDigits) }

    private static let upperDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits = Array("0123456789abcdef".utf8)

    private func text(digits: [UInt8]) -> String {
        // Written in place: every enqueue writes two of these.
        String(unsafeUninitializedCapacity: 36) { text in
            var count = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[count] = UInt8(ascii: "-")
                    count += 1
                }
                text[count] = digits[Int(byte >> 4)]
                text[count + 1] = digits[Int(byte & 0x0F)]
                count += 2
            }
            return count
        }
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
