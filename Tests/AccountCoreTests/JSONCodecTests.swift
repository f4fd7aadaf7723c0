import AccountCore
import FoundationEssentials
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `JSONParser` and `JSONWriter` against the reference they replace:
/// FoundationEssentials' `JSONDecoder`, and `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]`, through the `Codable`
/// conformance `JSONValue` had (kept here, in `Reference`).
@Suite("JSON: parser and writer against JSONDecoder and JSONEncoder")
struct JSONCodecTests {
    // MARK: The reference

    /// `JSONValue`'s former `Codable` conformance, word for word.
    struct Reference: Codable {
        let value: JSONValue

        init(_ value: JSONValue) { self.value = value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let flag = try? container.decode(Bool.self) {
                value = .bool(flag)
            } else if let number = try? container.decode(Int64.self) {
                value = .integer(number)
            } else if let number = try? container.decode(Double.self) {
                value = .number(number)
            } else if let text = try? container.decode(String.self) {
                value = .string(text)
            } else if let elements = try? container.decode([Reference].self) {
                value = .array(elements.map(\.value))
            } else {
                value = .object(try container.decode([String: Reference].self).mapValues(\.value))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .null: try container.encodeNil()
            case .bool(let flag): try container.encode(flag)
            case .integer(let number): try container.encode(number)
            case .number(let number) where number.isFinite: try container.encode(number)
            case .number: try container.encodeNil()
            case .string(let text): try container.encode(text)
            case .array(let elements): try container.encode(elements.map(Reference.init))
            case .object(let members): try container.encode(members.mapValues(Reference.init))
            }
        }
    }

    /// What JSONDecoder read; nil when it refused.
    static func decoded(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(Reference.self, from: Data(bytes)).value
    }

    /// What JSONEncoder wrote; nil when it refused.
    static func encoded(_ value: JSONValue) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Reference(value))).map(Array.init)
    }

    static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.write(value), as: UTF8.self) }

    static func nested(_ depth: Int, open: String, close: String) -> String {
        String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
    }

    // MARK: Valid texts

    static let valid: [String] = [
        // Literals and whitespace (space, tab, line feed, carriage return only).
        "null", "true", "false", " \t\n\r null \t\n\r ", "[ true , false , null ]",
        // Integers, and the edges of Int64.
        "0", "-0", "1", "-1", "30", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "12345678901234567890123",
        "9007199254740993", "1000000000000000000",
        // Numbers with a fraction or an exponent; whole ones read as integers, as JSONDecoder read them.
        "30.5", "-30.5", "0.1", "0.30000000000000004", "1.0", "-0.0", "0.000", "0e7", "1e2", "1E+2", "1e-0",
        "1.5e1", "20e-1", "2.5e-3", "1e18", "-1e18", "1e19", "1e21", "0.1e1", "100000000000000000000",
        "1.00000000000000000001", "0.99999999999999999999", "3.141592653589793238462643383279",
        "123456789.123456789", "1e-7", "0.000001", "7e22", "7e23",
        // The edges of Double: the largest, the smallest normal, subnormals, and underflow to zero.
        "1e308", "-1e308", "1.7976931348623157e308", "8.98846567431158e307", "2.2250738585072014e-308",
        "2.2250738585072011e-308", "5e-324", "4.9e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
        "1e-400", "-1e-400", "1e-1000000000000",
        // Strings: every escape, \u in both cases, surrogate pairs, raw UTF-8.
        #""""#, #""a""#, #""\" \\ \/ \b \f \n \r \t""#, #""a/b""#,
        #""\u0000\u001f\u007f\u0080\u00e9\u00E9\u2028\u2029\uFEFF\uFFFF\uFFFE""#,
        #""\ud83d\ude00""#, #""\uD83D\uDE00\uDBFF\uDFFF\uD800\uDC00x""#,
        "\"😀 é 中 \u{10FFFF} \u{7F} \u{2028} e\u{301}\"", #""\\u0041""#,
        // Containers.
        "[]", "{}", "[[]]", "[{}]", #"{"a":[]}"#, #" [ 1 , 2 , [ 3 , { "x" : null } ] ] "#,
        #"{"b":1,"a":2,"B":3,"a10":4,"a2":5,"é":6,"😀":7,"":8,"\u0000":9,"a\"b":10}"#,
        // Duplicate keys: the first wins, as with JSONDecoder; canonically equivalent keys are one key.
        #"{"a":1,"a":2}"#, #"{"a":1,"b":{"x":1},"a":{"y":2}}"#, #"{"é":1,"e\u0301":2}"#,
        // A UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows it; JSONDecoder did).
        "\u{FEFF}[1]",
        // Nesting up to JSONEncoder's limit (511 containers).
        nested(511, open: "[", close: "]"), nested(511, open: #"{"k":"#, close: "}"),
    ]

    @Test("valid texts read as JSONDecoder read them, write as JSONEncoder wrote them, and read back the same")
    func validTexts() throws {
        for text in Self.valid {
            let bytes = Array(text.utf8)
            let value = try JSONParser.parse(bytes)
            #expect(value == Self.decoded(bytes), "\(text.prefix(80))")
            let written = JSONWriter.write(value)
            #expect(written == Self.encoded(value), "\(text.prefix(80))")
            #expect(try JSONParser.parse(written) == value, "\(text.prefix(80))")
        }
    }

    @Test("numbers: integers when whole and within Int64, else Doubles; -0 reads as 0")
    func numbers() throws {
        let cases: [(String, JSONValue)] = [
            ("30", .integer(30)), ("30.0", .integer(30)), ("3e1", .integer(30)), ("-0", .integer(0)),
            ("30.5", .number(30.5)), ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
            ("9223372036854775808", .number(9223372036854775808)), ("1e19", .number(1e19)),
            ("5e-324", .number(.leastNonzeroMagnitude)), ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
            ("1e-400", .integer(0)), ("0.1", .number(0.1)), ("-2.5E-3", .number(-0.0025)),
        ]
        for (text, expected) in cases {
            #expect(try JSONParser.parse(Array(text.utf8)) == expected, "\(text)")
        }
    }

    // MARK: Where the parser differs from JSONDecoder, on purpose

    @Test("stricter than JSONDecoder where the RFC is clear: trailing commas and bytes after the value")
    func stricterThanJSONDecoder() {
        let cases: [(String, JSONSyntaxError)] = [
            ("[1,]", JSONSyntaxError(offset: 2, reason: .trailingComma)),
            (#"{"a":1,}"#, JSONSyntaxError(offset: 6, reason: .trailingComma)),
            ("[1 ,\n ]", JSONSyntaxError(offset: 3, reason: .trailingComma)),
            ("1\u{0}", JSONSyntaxError(offset: 1, reason: .trailingContent)),
        ]
        for (text, expected) in cases {
            #expect(Self.decoded(Array(text.utf8)) != nil, "JSONDecoder took \(text.debugDescription)")
            #expect(throws: expected) { try JSONParser.parse(Array(text.utf8)) }
        }
    }

    @Test("whole numbers with a fraction: exact, where JSONDecoder truncated or rounded")
    func exactWholeNumbers() throws {
        // JSONDecoder truncated the first to 123456789012345678 (the nearest
        // Double is …680), and read the second, exactly Int64.max, as the Double 2^63.
        #expect(try JSONParser.parse(Array("123456789012345678.5".utf8)) == .integer(123_456_789_012_345_680))
        #expect(try JSONParser.parse(Array("9223372036854775807.0".utf8)) == .integer(.max))
        // A fraction that a Double rounds away: JSONDecoder dropped it (…993), the Double rounds it (…994).
        #expect(try JSONParser.parse(Array("9007199254740993.5".utf8)) == .integer(9_007_199_254_740_994))
    }

    // MARK: Invalid texts

    static let invalid: [([UInt8], Int, JSONSyntaxError.Reason)] = [
        // Structure.
        (Array("".utf8), 0, .unexpectedEnd),
        (Array("   ".utf8), 3, .unexpectedEnd),
        (Array("nul".utf8), 3, .unexpectedEnd),
        (Array("nulx".utf8), 3, .unexpectedByte(UInt8(ascii: "x"))),
        (Array("Null".utf8), 0, .unexpectedByte(UInt8(ascii: "N"))),
        (Array("truex".utf8), 4, .trailingContent),
        (Array("1 2".utf8), 2, .trailingContent),
        (Array("[1]x".utf8), 3, .trailingContent),
        (Array("[1 2]".utf8), 3, .unexpectedByte(UInt8(ascii: "2"))),
        (Array("[1,,2]".utf8), 3, .unexpectedByte(UInt8(ascii: ","))),
        (Array("[,]".utf8), 1, .unexpectedByte(UInt8(ascii: ","))),
        (Array("{,}".utf8), 1, .unexpectedByte(UInt8(ascii: ","))),
        (Array(#"{"a" 1}"#.utf8), 5, .unexpectedByte(UInt8(ascii: "1"))),
        (Array(#"{"a":}"#.utf8), 5, .unexpectedByte(UInt8(ascii: "}"))),
        (Array("{1:2}".utf8), 1, .unexpectedByte(UInt8(ascii: "1"))),
        (Array("{'a':1}".utf8), 1, .unexpectedByte(UInt8(ascii: "'"))),
        (Array("[".utf8), 1, .unexpectedEnd),
        (Array(#"{"a":1"#.utf8), 6, .unexpectedEnd),
        (Array("/*c*/1".utf8), 0, .unexpectedByte(UInt8(ascii: "/"))),
        (Array("\u{0C}1".utf8), 0, .unexpectedByte(0x0C)),            // form feed is no JSON whitespace
        (Array("\u{A0}1".utf8), 0, .unexpectedByte(0xC2)),            // nor is a no-break space
        (Array("NaN".utf8), 0, .unexpectedByte(UInt8(ascii: "N"))),
        // Numbers.
        (Array("01".utf8), 1, .invalidNumber),
        (Array("-01".utf8), 2, .invalidNumber),
        (Array("+1".utf8), 0, .unexpectedByte(UInt8(ascii: "+"))),
        (Array(".5".utf8), 0, .unexpectedByte(UInt8(ascii: "."))),
        (Array("1.".utf8), 2, .invalidNumber),
        (Array("1.e5".utf8), 2, .invalidNumber),
        (Array("-".utf8), 1, .invalidNumber),
        (Array("-a".utf8), 1, .invalidNumber),
        (Array("1e".utf8), 2, .invalidNumber),
        (Array("[1e+]".utf8), 4, .invalidNumber),
        (Array("0x1".utf8), 1, .trailingContent),
        (Array("1e400".utf8), 0, .numberOutOfRange),
        (Array("[0, -1e400]".utf8), 4, .numberOutOfRange),
        (Array("1.7976931348623159e308".utf8), 0, .numberOutOfRange),
        // Strings.
        (Array(#""abc"#.utf8), 4, .unexpectedEnd),
        (Array(#""\x""#.utf8), 1, .invalidEscape(UInt8(ascii: "x"))),
        (Array(#""\U0041""#.utf8), 1, .invalidEscape(UInt8(ascii: "U"))),
        (Array(#""ab\u00G0""#.utf8), 3, .invalidUnicodeEscape),
        (Array(#""\u12"#.utf8), 5, .unexpectedEnd),
        (Array(#""\ud83d""#.utf8), 1, .loneSurrogate(0xD83D)),
        (Array(#""\ude00""#.utf8), 1, .loneSurrogate(0xDE00)),
        (Array(#""\ud83dx""#.utf8), 1, .loneSurrogate(0xD83D)),
        (Array(#""\ud83d\u0041""#.utf8), 1, .loneSurrogate(0xD83D)),
        (Array(#""\ud83d\ud83d""#.utf8), 1, .loneSurrogate(0xD83D)),
        (Array(#""x\ude00\ud83d""#.utf8), 2, .loneSurrogate(0xDE00)),
        (Array("\"a\u{1}\"".utf8), 2, .controlCharacter(0x01)),
        (Array("\"\t\"".utf8), 1, .controlCharacter(0x09)),
        (Array("[\"\n\"]".utf8), 2, .controlCharacter(0x0A)),
        ([0x22, 0xFF, 0x22], 1, .invalidUTF8),
        ([0x22, 0x61, 0xC3, 0x22], 2, .invalidUTF8),                      // a lead byte without its continuation
        ([0x22, 0x80, 0x22], 1, .invalidUTF8),                            // a continuation without a lead
        ([0x22, 0xC0, 0x80, 0x22], 1, .invalidUTF8),                      // overlong
        ([0x22, 0xE0, 0x80, 0x80, 0x22], 1, .invalidUTF8),                // overlong
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, .invalidUTF8),                // an encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, .invalidUTF8),          // beyond U+10FFFF
        ([0x22, 0x61, 0xE2, 0x82], 4, .unexpectedEnd),                    // cut in the middle of a character
    ]

    @Test("invalid texts fail at the byte at fault, and JSONDecoder refused each of them too")
    func invalidTexts() {
        for (bytes, offset, reason) in Self.invalid {
            let label = String(decoding: bytes, as: UTF8.self).debugDescription
            #expect(throws: JSONSyntaxError(offset: offset, reason: reason), "\(label)") {
                try JSONParser.parse(bytes)
            }
            #expect(Self.decoded(bytes) == nil, "JSONDecoder took \(label)")
        }
    }

    @Test("an error says where and what")
    func errorDescription() {
        #expect(JSONSyntaxError(offset: 3, reason: .unexpectedByte(UInt8(ascii: "2"))).description
                == "not JSON at byte 3: unexpected '2'")
        #expect(JSONSyntaxError(offset: 1, reason: .loneSurrogate(0xD83D)).description
                == #"not JSON at byte 1: a lone surrogate \uD83D"#)
        #expect(JSONSyntaxError(offset: 0, reason: .controlCharacter(0x0A)).description
                == "not JSON at byte 0: an unescaped control character byte 0x0A in a string")
    }

    // MARK: Limits

    @Test("512 arrays or objects deep read, as with JSONDecoder; 513 do not, at the bracket too many")
    func depthLimit() throws {
        for (open, close) in [("[", "]"), (#"{"k":"#, "}")] {
            let deepest = Array(Self.nested(512, open: open, close: close).utf8)
            #expect(try JSONParser.parse(deepest) == Self.decoded(deepest))
            let tooDeep = Array(Self.nested(513, open: open, close: close).utf8)
            #expect(Self.decoded(tooDeep) == nil)
            #expect(throws: JSONSyntaxError(offset: 512 * open.utf8.count, reason: .tooDeep(512))) {
                try JSONParser.parse(tooDeep)
            }
        }
        #expect(try JSONParser.parse(Array("[[1]]".utf8), maximumDepth: 2) == [[1]])
        #expect(throws: JSONSyntaxError(offset: 2, reason: .tooDeep(1))) {
            try JSONParser.parse(Array(" [[1]]".utf8), maximumDepth: 1)
        }
        // Deeper than JSONEncoder went (it refused 512, and the core wrote null instead): written whole.
        let value = try JSONParser.parse(Array(Self.nested(512, open: "[", close: "]").utf8))
        #expect(Self.encoded(value) == nil)
        #expect(JSONWriter.write(value) == Array(Self.nested(512, open: "[", close: "]").utf8))
    }

    /// What the thread of `smallStack` reads and writes.
    final class SmallStackWork: @unchecked Sendable {
        let text: [UInt8]
        var written: [UInt8]?
        init(_ text: [UInt8]) { self.text = text }
    }

    @Test("on a thread with a 64 KiB stack, a value nested to the limit is read, written back and freed")
    func smallStack() throws {
        // 512 levels, arrays and objects in turn, with a duplicate member on
        // the way (the later one dropped); a recursive reader, writer or
        // release overflowed this stack at about 450 levels.
        let text = Array((String(repeating: #"{"b":1,"a":["#, count: 256) + "1"
                          + String(repeating: #"],"b":2}"#, count: 256)).utf8)
        let expected = Array((String(repeating: #"{"a":["#, count: 256) + "1"
                              + String(repeating: #"],"b":1}"#, count: 256)).utf8)
        let work = SmallStackWork(text)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        try #require(pthread_attr_setstacksize(&attributes, 65536) == 0)
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            let work = Unmanaged<SmallStackWork>.fromOpaque(context).takeRetainedValue()
            if let value = try? JSONParser.parse(work.text) {
                work.written = JSONWriter.write(value)
                JSONValue.release(consume value)
            }
            return nil
        }, Unmanaged.passRetained(work).toOpaque())
        try #require(created == 0)
        pthread_join(thread, nil)
        #expect(work.written == expected)
    }

    @Test("a text longer than the size limit is refused before it is read")
    func sizeLimit() throws {
        let text = Array("[1,2,3,4]".utf8)
        #expect(try JSONParser.parse(text, maximumBytes: 9) == [1, 2, 3, 4])
        #expect(throws: JSONSyntaxError(offset: 8, reason: .tooLarge(8))) { try JSONParser.parse(text, maximumBytes: 8) }
        #expect(throws: JSONSyntaxError(offset: 16 << 20, reason: .tooLarge(16 << 20))) {
            try JSONParser.parse(repeatElement(UInt8(ascii: " "), count: (16 << 20) + 1))
        }
    }

    @Test("any collection of bytes, contiguous or not")
    func collections() throws {
        let text = #"{"a":[1,"x"]}"#
        let expected: JSONValue = ["a": [1, "x"]]
        #expect(try JSONParser.parse(text.utf8) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
        #expect(try JSONParser.parse(Array(("  " + text).utf8).dropFirst(2)) == expected)
        #expect(try JSONParser.parse(text.utf8.lazy.map { $0 }) == expected)
    }

    // MARK: The writer

    @Test("the writer's forms, as JSONEncoder wrote them")
    func writerForms() {
        let cases: [(JSONValue, String)] = [
            (["b": 1, "a": 2, "B": 3, "a10": 4, "a2": 5, "é": 6, "": 7], #"{"":7,"B":3,"a":2,"a10":4,"a2":5,"b":1,"é":6}"#),
            (.string("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}\u{7F}é😀\u{2028}"), #""\"\\/\b\f\n\r\t\u0000\u001f"# + "\u{7F}é😀\u{2028}\""),
            (.number(2), "2"), (.number(30.5), "30.5"), (.number(-0.0), "-0"), (.number(0.1), "0.1"),
            (.number(1e21), "1e+21"), (.number(1e16), "1e+16"), (.number(1e15), "1000000000000000"),
            (.number(1e-5), "1e-05"), (.number(0.0001), "0.0001"), (.number(.leastNonzeroMagnitude), "5e-324"),
            (.number(.nan), "null"), (.number(-.infinity), "null"),
            (.integer(.min), "-9223372036854775808"), (.integer(.max), "9223372036854775807"), (.integer(0), "0"),
            ([nil, true, false, [], [:]], "[null,true,false,[],{}]"),
        ]
        for (value, expected) in cases {
            #expect(Self.text(value) == expected)
            #expect(JSONWriter.write(value) == Self.encoded(value))
        }
    }

    // MARK: Random values

    static func randomScalar(_ random: inout SeededGenerator) -> Unicode.Scalar {
        let pools: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x22...0x22, 0x5C...0x5C, 0x2F...0x2F, 0x7F...0xFF,
            0x300...0x36F, 0x100...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF,
        ]
        let pool = pools[Int.random(in: 0..<pools.count, using: &random)]
        return Unicode.Scalar(UInt32.random(in: pool, using: &random))!
    }

    static func randomString(_ random: inout SeededGenerator) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...10, using: &random) { text.append(randomScalar(&random)) }
        return String(text)
    }

    static func randomDouble(_ random: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(bitPattern: random.next())   // anything, NaN and infinities included
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 1000
        case 2: return Double.random(in: -1...1, using: &random) * Double("1e\(Int.random(in: -30...30, using: &random))")!
        case 3: return [0.0, -0.0, 1e15, 1e16, 1e21, 1e22, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 9223372036854775808,
                        -9223372036854775808, 0.1, 1.0 / 3, .infinity, .nan][Int.random(in: 0..<14, using: &random)]
        case 4: return Double(Int64.random(in: .min ... .max, using: &random))
        default: return Double.random(in: -1e6...1e6, using: &random)
        }
    }

    static func randomValue(_ random: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth < 4 ? 9 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &random))
        case 3: return .integer(Int64.random(in: -1000...1000, using: &random))
        case 4: return .number(randomDouble(&random))
        case 5, 6: return .string(randomString(&random))
        case 7: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                members[randomString(&random)] = randomValue(&random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    /// Whether `read` is `value` read back: the same but for numbers, which
    /// must be the same `Double` (a whole one may read as an integer, whose
    /// digits are those written, and rounds to it); a non-finite one reads as null.
    static func readsBack(_ read: JSONValue, as value: JSONValue) -> Bool {
        switch (read, value) {
        case (.null, .number(let number)): !number.isFinite
        case (.integer(let whole), .number(let number)): Double(whole) == number
        case (.array(let readElements), .array(let elements)):
            readElements.count == elements.count && zip(readElements, elements).allSatisfy { readsBack($0, as: $1) }
        case (.object(let readMembers), .object(let members)):
            readMembers.count == members.count
                && members.allSatisfy { key, member in readMembers[key].map { readsBack($0, as: member) } ?? false }
        default: read == value
        }
    }

    @Test("random values write as JSONEncoder wrote them, and read back as JSONDecoder read them")
    func randomRoundTrip() throws {
        var random = SeededGenerator(seed: 17)
        for _ in 0..<2000 {
            let value = Self.randomValue(&random)
            let written = JSONWriter.write(value)
            #expect(written == Self.encoded(value), "\(value)")
            let read = try JSONParser.parse(written)
            #expect(Self.readsBack(read, as: value), "\(value)")
            #expect(read == Self.decoded(written), "\(value)")
            #expect(try JSONParser.parse(JSONWriter.write(read)) == read)
        }
    }

    @Test("random damage to valid texts: where both read, the same value; nothing read that JSONDecoder refused")
    func randomDamage() {
        var random = SeededGenerator(seed: 2026)
        let alphabet = Array(#"{}[],:"\ 0123456789-+.eEtrufalsn/bu"#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x80, 0xC3, 0xED, 0xFF]
        for _ in 0..<2000 {
            var bytes = JSONWriter.write(Self.randomValue(&random))
            for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                default: bytes.remove(at: position)
                }
            }
            let label = String(decoding: bytes, as: UTF8.self).debugDescription
            let reference = Self.decoded(bytes)
            switch Result(catching: { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }) {
            case .success(let value):
                #expect(value == reference, "\(label)")
            case .failure(let error):
                #expect(error.offset >= 0 && error.offset <= bytes.count)
                // JSONDecoder took trailing commas and bytes after a NUL; nothing else it took is refused.
                if reference != nil {
                    #expect(error.reason == .trailingComma || (error.offset < bytes.count && bytes[error.offset] == 0), "\(label): \(error)")
                }
            }
        }
    }
}
