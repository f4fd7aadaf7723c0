/// Base64 as RFC 4648 section 4 has it: the standard alphabet (`+`, `/`),
/// padded with `=` to a multiple of four characters. Strict: no line
/// breaks, no spaces, no URL-safe alphabet, no missing or extra padding,
/// and no bits set after the last byte (one text per key, never two).
enum Base64 {
    /// The bytes `text` encodes; nil when it is not strict base64.
    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 4 * 3)
        var index = 0
        while index < characters.count {
            let isLast = index + 4 == characters.count
            let group = characters[index..<index + 4]
            let padding = group.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var value: UInt32 = 0
            for character in group.dropLast(padding) {
                guard let digit = digit(character) else { return nil }
                value = value << 6 | UInt32(digit)
            }
            value <<= UInt32(6 * padding)
            let decoded = [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            // The bits a padded group leaves over must be zero.
            guard decoded.suffix(padding).allSatisfy({ $0 == 0 }) else { return nil }
            bytes += decoded.prefix(3 - padding)
            index += 4
        }
        return bytes
    }

    /// The value of one character of the standard alphabet.
    private static func digit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
