/// Byte classes of HTTP/1.1's grammar (RFC 9110 §5.6, RFC 9112).
enum HTTPSyntax {
    /// Carriage return.
    static let cr: UInt8 = 0x0D
    /// Line feed.
    static let lf: UInt8 = 0x0A
    /// Space.
    static let space: UInt8 = 0x20
    /// Horizontal tab.
    static let tab: UInt8 = 0x09
    /// The colon ending a field name.
    static let colon: UInt8 = 0x3A

    /// Whether `byte` may appear in a token (a method or a field name):
    /// letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// Whether `byte` may appear in a request-target: visible ASCII.
    static func isTargetByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte)
    }

    /// Whether `byte` may appear in a field value: visible ASCII, space, tab
    /// and obs-text (0x80 and above); never NUL, CR, LF or other controls.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (0x20...0x7E).contains(byte) || byte >= 0x80
    }

    /// Whether `byte` is optional whitespace (space or tab).
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// Whether `byte` is an ASCII digit.
    static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }

    /// `byte` with an ASCII capital letter made small; any other byte unchanged.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }
}
