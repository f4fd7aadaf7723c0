// Strings: escapes, surrogate pairs and UTF-8 validation (RFC 8259 §7, §8.1).

extension JSONReader {
    /// A string, from its opening quote at `index`.
    ///
    /// Runs of plain bytes are copied (or, without escapes, decoded) whole;
    /// only escapes are handled byte by byte.
    mutating func string() throws(JSONSyntaxError) -> String {
        let start = index + 1
        var cursor = start
        var runStart = start
        var escaped = false
        while true {
            guard cursor < count else { throw error(.unexpectedEnd, at: count) }
            let byte = bytes[cursor]
            if byte == .quote {
                index = cursor + 1
                if !escaped {
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<cursor]), as: UTF8.self)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<cursor]))
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == .backslash {
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<cursor]))
                cursor = try escape(at: cursor)
                runStart = cursor
            } else if byte < 0x20 {
                throw error(.controlCharacter(byte), at: cursor)
            } else if byte < 0x80 {
                cursor += 1
            } else {
                cursor = try validateUTF8(at: cursor)
            }
        }
    }

    /// Appends the escape at `offset` (a backslash) to `scratch`; returns
    /// the offset after it.
    mutating func escape(at offset: Int) throws(JSONSyntaxError) -> Int {
        guard offset + 1 < count else { throw error(.unexpectedEnd, at: count) }
        let unescaped: UInt8
        switch bytes[offset + 1] {
        case .quote: unescaped = .quote
        case .backslash: unescaped = .backslash
        case .slash: unescaped = .slash
        case UInt8(ascii: "b"): unescaped = 0x08
        case UInt8(ascii: "f"): unescaped = 0x0C
        case UInt8(ascii: "n"): unescaped = 0x0A
        case UInt8(ascii: "r"): unescaped = 0x0D
        case UInt8(ascii: "t"): unescaped = 0x09
        case UInt8(ascii: "u"): return try unicodeEscape(at: offset)
        case let other: throw error(.invalidEscape(other), at: offset)
        }
        scratch.append(unescaped)
        return offset + 2
    }

    /// `\uXXXX` at `offset`, with its low surrogate when it is a high one.
    mutating func unicodeEscape(at offset: Int) throws(JSONSyntaxError) -> Int {
        let unit = try hex4(at: offset)
        var scalarValue = UInt32(unit)
        var end = offset + 6
        switch unit {
        case 0xD800...0xDBFF:
            // "To escape an extended character that is not in the Basic
            // Multilingual Plane, the character is represented as a
            // 12-character sequence, encoding the UTF-16 surrogate pair"
            // (RFC 8259 §7); half a pair is no character.
            guard end + 1 < count, bytes[end] == .backslash, bytes[end + 1] == UInt8(ascii: "u") else {
                throw error(.loneSurrogate(unit), at: offset)
            }
            let low = try hex4(at: end)
            guard (0xDC00...0xDFFF).contains(low) else { throw error(.loneSurrogate(unit), at: offset) }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw error(.loneSurrogate(unit), at: offset)
        default:
            break
        }
        // Not a surrogate, so a scalar.
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        scratch.append(contentsOf: UTF8.encode(scalar)!)
        return end
    }

    /// The four hexadecimal digits of the `\u` escape at `offset`.
    func hex4(at offset: Int) throws(JSONSyntaxError) -> UInt16 {
        var unit: UInt16 = 0
        for position in offset + 2 ..< offset + 6 {
            guard position < count else { throw error(.unexpectedEnd, at: count) }
            let byte = bytes[position]
            let digit: UInt8 = switch byte {
            case .digitZero ... .digitNine: byte - .digitZero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidUnicodeEscape, at: offset)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Checks the multi-byte UTF-8 sequence at `offset` (Unicode's table
    /// 3-7 of well-formed sequences); returns the offset after it.
    func validateUTF8(at offset: Int) throws(JSONSyntaxError) -> Int {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw error(.invalidUTF8, at: offset)
        }
        guard offset + length <= count else { throw error(.unexpectedEnd, at: count) }
        guard secondRange.contains(bytes[offset + 1]) else { throw error(.invalidUTF8, at: offset) }
        for position in offset + 2 ..< offset + length where bytes[position] & 0xC0 != 0x80 {
            throw error(.invalidUTF8, at: offset)
        }
        return offset + length
    }
}
