/// Writes a `JSONValue` as compact JSON, with the standard library only.
///
/// The bytes are exactly those FoundationEssentials' `JSONEncoder` wrote
/// with `[.sortedKeys, .withoutEscapingSlashes]`, which the core used before,
/// so that what the core writes to disk and to the wire does not change
/// (`JSONCodecTests` compares the two):
///
/// - No whitespace. Object members sorted by their keys' UTF-8 bytes
///   (`"B" < "a" < "a10" < "a2" < "é"`), as swift-foundation sorts outside
///   Apple's frameworks.
/// - Strings: `\"` and `\\`; `\b`, `\f`, `\n`, `\r`, `\t`; every other
///   control character below U+0020 as `\u00xx` with lowercase hex digits;
///   everything else as it is, in UTF-8 (`/`, U+007F, U+2028, emoji).
/// - Integers in decimal. A `Double` as its Swift `description`, less a
///   trailing `.0`: `2`, `30.5`, `-0`, `1e+21`, `1e-05`, `5e-324`. A
///   non-finite `Double`, which JSON cannot hold, as `null`.
///
/// One difference, on purpose: `JSONEncoder` refused values nested 512
/// arrays and objects deep (and the core then wrote `null` for the whole
/// value); this writes them.
package enum JSONWriter {
    /// `value` as JSON bytes.
    package static func write(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(value, to: &output)
        return output
    }

    /// What is left to write, last first.
    private enum Pending {
        case value(JSONValue)
        /// A member's key and its colon.
        case key(String)
        case byte(UInt8)
    }

    /// Writes `value` without recursion: an array or object puts what it
    /// still has to write on `pending` (its elements, commas and closing
    /// bracket, last first), so a value nested to the parser's limit takes
    /// no more of the caller's stack than `1`.
    private static func append(_ value: JSONValue, to output: inout [UInt8]) {
        var pending: [Pending] = [.value(value)]
        while let next = pending.popLast() {
            switch next {
            case .byte(let byte):
                output.append(byte)
            case .key(let key):
                appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
            case .value(.array(let elements)):
                output.append(UInt8(ascii: "["))
                pending.append(.byte(UInt8(ascii: "]")))
                for (position, element) in elements.enumerated().reversed() {
                    pending.append(.value(element))
                    if position > 0 { pending.append(.byte(UInt8(ascii: ","))) }
                }
            case .value(.object(let members)):
                output.append(UInt8(ascii: "{"))
                pending.append(.byte(UInt8(ascii: "}")))
                let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                for (position, member) in sorted.enumerated().reversed() {
                    pending.append(.value(member.value))
                    pending.append(.key(member.key))
                    if position > 0 { pending.append(.byte(UInt8(ascii: ","))) }
                }
            case .value(.null):
                output.append(contentsOf: "null".utf8)
            case .value(.bool(let flag)):
                output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
            case .value(.integer(let number)):
                appendInteger(number, to: &output)
            case .value(.number(let number)):
                guard number.isFinite else {
                    output.append(contentsOf: "null".utf8)
                    continue
                }
                var text = number.description
                if text.hasSuffix(".0") { text.removeLast(2) }
                output.append(contentsOf: text.utf8)
            case .value(.string(let text)):
                appendString(text, to: &output)
            }
        }
    }

    static func appendInteger(_ number: Int64, to output: inout [UInt8]) {
        if number < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        // 20 digits hold UInt64.max; written backwards, then copied in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var first = 20
            repeat {
                first -= 1
                digits[first] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first...]))
        }
    }

    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for position in bytes.indices {
                let byte = bytes[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                runStart = position + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                               hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
