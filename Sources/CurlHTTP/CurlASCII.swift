/// Byte-level text rules of HTTP, which are ASCII rules: Unicode case folding
/// must not make two header names match or differ.
enum CurlASCII {
    /// Whether `left` and `right` are equal when ASCII letters are lowercased.
    static func caseInsensitiveEquals(_ left: String, _ right: String) -> Bool {
        left.utf8.count == right.utf8.count
            && zip(left.utf8, right.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// `byte` with an ASCII capital letter made small.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    /// Whether `text` is an HTTP token (RFC 9110, 5.6.2): one or more tchar.
    static func isToken(_ text: String) -> Bool {
        !text.utf8.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// Whether `byte` is a tchar: a letter, a digit or one of !#$%&'*+-.^_`|~.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
