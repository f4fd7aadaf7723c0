/// Reads a JSON text (RFC 8259) into a `JSONValue`, with the standard library
/// only.
///
/// The grammar is RFC 8259's, exactly: one value, optionally surrounded by
/// whitespace (space, tab, line feed, carriage return), and nothing after it;
/// no comments, no trailing commas, no `NaN`. Where the RFC leaves a choice
/// to the parser, it is made as FoundationEssentials' `JSONDecoder` made it,
/// which the core used before, so that what the core reads does not change:
///
/// - A UTF-8 byte order mark before the text is skipped ("implementations
///   that parse JSON texts MAY ignore the presence of a byte order mark",
///   RFC 8259 §8.1).
/// - Duplicate keys: the **first** member with a key wins; later ones are
///   read (and must be valid) but dropped. Keys are Swift `String`s, so two
///   keys that are canonically equivalent (`é` and `e` + U+0301) are one key.
/// - Numbers: a number whose value is a whole number that fits `Int64` is
///   `.integer` (`30`, but also `30.0`, `3e1`, `-0`); any other number is
///   `.number(Double)`, correctly rounded. A number beyond `Double`'s range
///   (`1e400`) is an error, never an infinity; one below it rounds to zero.
///   So every value read writes back (``JSONWriter``) to a text that reads
///   as the same value.
/// - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates);
///   a `\u` escape of a lone or mismatched surrogate is an error; `\u0000`
///   is allowed; control characters below U+0020 must be escaped (§7).
/// - Nesting is limited (512 containers deep, as `JSONDecoder`), and so is
///   the size of the text.
///
/// Each error carries the offset of the byte at fault (the input's length
/// when the text ends too early).
package enum JSONParser {
    /// Parses `bytes` as one JSON text.
    ///
    /// - Parameters:
    ///   - maximumDepth: how many arrays and objects may nest; one more is
    ///     ``JSONSyntaxError/Reason/tooDeep(_:)``.
    ///   - maximumBytes: the longest text read; a longer one is
    ///     ``JSONSyntaxError/Reason/tooLarge(_:)`` before anything is read.
    package static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int = 512,
                              maximumBytes: Int = 16 << 20) throws(JSONSyntaxError) -> JSONValue {
        let count = bytes.count
        guard count <= maximumBytes else {
            throw JSONSyntaxError(offset: maximumBytes, reason: .tooLarge(maximumBytes))
        }
        let result = bytes.withContiguousStorageIfAvailable { parse(buffer: $0, maximumDepth: maximumDepth) }
            ?? Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, maximumDepth: maximumDepth) }
        return try result.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) -> Result<JSONValue, JSONSyntaxError> {
        var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
        do {
            return .success(try reader.document())
        } catch {
            return .failure(error)
        }
    }
}

/// Why a text is not JSON, and where.
package struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    package enum Reason: Hashable, Sendable {
        /// The text ends where more was needed (an empty text, an unclosed
        /// string, array or object).
        case unexpectedEnd
        /// A byte that cannot come here (`[1 2]`, `{1:2}`, `nulx`).
        case unexpectedByte(UInt8)
        /// A comma before `]` or `}`.
        case trailingComma
        /// Something other than whitespace after the value.
        case trailingContent
        /// A number that breaks the grammar: `01`, `1.`, `.5`, `-`, `1e+`.
        case invalidNumber
        /// A number beyond the range of `Double` (`1e400`).
        case numberOutOfRange
        /// An unescaped control character (below U+0020) in a string.
        case controlCharacter(UInt8)
        /// A backslash followed by a byte that is no escape (`\x`).
        case invalidEscape(UInt8)
        /// `\u` not followed by four hexadecimal digits.
        case invalidUnicodeEscape
        /// A `\u` escape of a surrogate without its pair: a high surrogate
        /// not followed by an escaped low one, or a low one alone.
        case loneSurrogate(UInt16)
        /// Bytes that are not UTF-8 in a string.
        case invalidUTF8
        /// Arrays and objects nested deeper than the limit.
        case tooDeep(Int)
        /// A text longer than the limit, in bytes.
        case tooLarge(Int)
    }

    /// The offset of the byte at fault; the text's length when it ends too early.
    package let offset: Int
    package let reason: Reason

    package init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    package var description: String {
        let what = switch reason {
        case .unexpectedEnd: "the text ends too early"
        case .unexpectedByte(let byte): "unexpected \(Self.name(byte))"
        case .trailingComma: "a comma before the end of an array or object"
        case .trailingContent: "something after the value"
        case .invalidNumber: "a malformed number"
        case .numberOutOfRange: "a number beyond the range of a Double"
        case .controlCharacter(let byte): "an unescaped control character \(Self.name(byte)) in a string"
        case .invalidEscape(let byte): "an invalid escape \\\(Self.name(byte))"
        case .invalidUnicodeEscape: "\\u without four hexadecimal digits"
        case .loneSurrogate(let unit): "a lone surrogate \\u\(String(unit, radix: 16, uppercase: true))"
        case .invalidUTF8: "invalid UTF-8 in a string"
        case .tooDeep(let limit): "arrays and objects nested deeper than \(limit)"
        case .tooLarge(let limit): "a text longer than \(limit) bytes"
        }
        return "not JSON at byte \(offset): \(what)"
    }

    private static func name(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}

// MARK: - The reader

private extension UInt8 {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    var isDigit: Bool { self &- .zero < 10 }
    /// Space, tab, line feed, carriage return: RFC 8259's `ws`, nothing else.
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}

/// Exact powers of ten, for numbers that need no more than a `Double`
/// multiplication or division to be correctly rounded (Clinger's fast path).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// A reader over contiguous bytes.
///
/// Arrays and objects are read without recursion: the containers still
/// open are kept on an explicit stack (`open`), so reading a text nested
/// to the limit takes the same few frames of the caller's stack as reading
/// `1`. A C caller's thread may have a small stack (64 KiB), and a
/// recursive reader ran out of it at about 450 levels.
private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0
    var depth = 0
    /// The bytes of a string with escapes, reused from string to string.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    var count: Int { bytes.count }

    func error(_ reason: JSONSyntaxError.Reason, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, reason: reason)
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
        let value = try value()
        skipWhitespace()
        guard index == count else { throw error(.trailingContent, at: index) }
        return value
    }

    mutating func skipWhitespace() {
        while index < count && bytes[index].isWhitespace { index += 1 }
    }

    /// An array or object still open: what it holds so far, and for an
    /// object the key of the member being read.
    struct Container {
        /// Nil for an array.
        var key: String?
        var elements: [JSONValue] = []
        var members: [(String, JSONValue)] = []
    }

    /// One value, with everything nested in it.
    ///
    /// Reads as the recursive grammar does, in the same order, so that each
    /// error is the same at the same offset: a container's first byte opens
    /// it (pushed on `open`), a scalar or an empty container completes a
    /// value, and a completed value goes into the container on top, which
    /// then either awaits its next member (after a comma) or closes and is
    /// itself the completed value.
    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        var open: [Container] = []
        // When the text fails, what was read of it is taken apart here,
        // without recursion (`JSONValue.release`): releasing a value nested
        // hundreds deep the ordinary way recurses once per level. A value
        // completed is in its container, and nowhere else, before anything
        // can throw.
        defer {
            var values: [JSONValue] = []
            while let container = open.popLast() {
                values.append(contentsOf: container.elements)
                values.append(contentsOf: container.members.lazy.map(\.1))
            }
            JSONValue.release(consume values)
        }
        while true {
            var value: JSONValue
            switch try nextSignificant() {
            case .openBrace:
                try enter()
                guard try nextSignificant() == .closeBrace else {
                    open.append(Container(key: try key()))
                    continue
                }
                index += 1
                depth -= 1
                value = .object([:])
            case .openBracket:
                try enter()
                guard try nextSignificant() == .closeBracket else {
                    open.append(Container(key: nil))
                    continue
                }
                index += 1
                depth -= 1
                value = .array([])
            case .quote: value = .string(try string())
            case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); value = .null
            case .minus, .zero ... .nine: value = try number()
            case let byte: throw error(.unexpectedByte(byte), at: index)
            }
            // `value` is complete: into its container, closing each container it completes.
            closing: while !open.isEmpty {
                let top = open.count - 1
                let key = open[top].key
                if let key { open[top].members.append((key, value)) } else { open[top].elements.append(value) }
                // The container holds it now, and only the container: when
                // something below throws, the cleanup above frees it (a
                // reference kept here would be freed last, recursively).
                value = .null
                let close: UInt8 = key == nil ? .closeBracket : .closeBrace
                switch try nextSignificant() {
                case .comma:
                    let comma = index
                    index += 1
                    if try nextSignificant() == close { throw error(.trailingComma, at: comma) }
                    if key != nil { open[top].key = try self.key() }
                    break closing
                case close:
                    index += 1
                    depth -= 1
                    var container = open.removeLast()
                    value = key == nil ? .array(container.elements) : .object(Self.firstWins(&container.members))
                case let byte:
                    throw error(.unexpectedByte(byte), at: index)
                }
            }
            if open.isEmpty { return value }
        }
    }

    /// An object's members, the first member with a key winning, as with
    /// JSONDecoder; `members` is left empty, and later members with a key
    /// already taken are released without recursion.
    static func firstWins(_ members: inout [(String, JSONValue)]) -> [String: JSONValue] {
        var object: [String: JSONValue] = Dictionary(minimumCapacity: members.count)
        var dropped: [JSONValue] = []
        // From the last member to the first, each taking the place of any
        // later one with its key: the first stays. Each is moved out, so the
        // dropped ones are held by `dropped` alone.
        while let (key, value) = members.popLast() {
            if let later = object.updateValue(value, forKey: key) { dropped.append(later) }
        }
        JSONValue.release(consume dropped)
        return object
    }

    /// A member's key and its colon, at the next significant byte.
    mutating func key() throws(JSONSyntaxError) -> String {
        let byte = try nextSignificant()
        guard byte == .quote else { throw error(.unexpectedByte(byte), at: index) }
        let key = try string()
        let colon = try nextSignificant()
        guard colon == .colon else { throw error(.unexpectedByte(colon), at: index) }
        index += 1
        return key
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard index < count else { throw error(.unexpectedEnd, at: index) }
            guard bytes[index] == byte else { throw error(.unexpectedByte(bytes[index]), at: index) }
            index += 1
        }
    }

    /// Enters an array or object at `index`.
    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= maximumDepth else { throw error(.tooDeep(maximumDepth), at: index) }
        index += 1
    }

    /// The byte after whitespace, where more must come.
    mutating func nextSignificant() throws(JSONSyntaxError) -> UInt8 {
        skipWhitespace()
        guard index < count else { throw error(.unexpectedEnd, at: index) }
        return bytes[index]
    }

    // MARK: Strings

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
            case .zero ... .nine: byte - .zero
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

    // MARK: Numbers

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var cursor = index
        let negative = bytes[cursor] == .minus
        if negative { cursor += 1 }

        let integerStart = cursor
        guard cursor < count, bytes[cursor].isDigit else { throw error(.invalidNumber, at: cursor) }
        if bytes[cursor] == .zero {
            cursor += 1
            // "Leading zeros are not allowed."
            if cursor < count && bytes[cursor].isDigit { throw error(.invalidNumber, at: cursor) }
        } else {
            while cursor < count && bytes[cursor].isDigit { cursor += 1 }
        }
        let integerEnd = cursor

        var fractionStart = cursor, fractionEnd = cursor
        if cursor < count && bytes[cursor] == .dot {
            cursor += 1
            fractionStart = cursor
            while cursor < count && bytes[cursor].isDigit { cursor += 1 }
            guard cursor > fractionStart else { throw error(.invalidNumber, at: cursor) }
            fractionEnd = cursor
        }

        var exponent = 0
        var hasExponent = false
        if cursor < count && (bytes[cursor] | 0x20) == UInt8(ascii: "e") {
            hasExponent = true
            cursor += 1
            var exponentNegative = false
            if cursor < count && (bytes[cursor] == .plus || bytes[cursor] == .minus) {
                exponentNegative = bytes[cursor] == .minus
                cursor += 1
            }
            let digitsStart = cursor
            while cursor < count && bytes[cursor].isDigit {
                // Saturates: past a million the value is zero or out of range anyway.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[cursor] - .zero) }
                cursor += 1
            }
            guard cursor > digitsStart else { throw error(.invalidNumber, at: cursor) }
            if exponentNegative { exponent = -exponent }
        }
        index = cursor

        // The common case: a plain integer of up to 18 digits, which Int64 holds.
        if fractionStart == fractionEnd && !hasExponent && integerEnd - integerStart <= 18 {
            var value: Int64 = 0
            for position in integerStart..<integerEnd { value = value &* 10 &+ Int64(bytes[position] - .zero) }
            return .integer(negative ? -value : value)
        }
        return try number(start: start, negative: negative, integer: integerStart..<integerEnd,
                          fraction: fractionStart..<fractionEnd, exponent: exponent)
    }

    /// Any other number, exactly: an integer when its value is whole and
    /// fits `Int64`, else the correctly rounded `Double`.
    func number(start: Int, negative: Bool, integer: Range<Int>, fraction: Range<Int>,
                exponent: Int) throws(JSONSyntaxError) -> JSONValue {
        // The value is digits × 10^(exponent - fraction.count). Take the
        // significant digits (leading and trailing zeros dropped, the first
        // 19 kept in `mantissa`) and scale by what was dropped.
        var digitCount = 0
        var mantissa: UInt64 = 0
        var trailingZeros = 0
        for position in integer.lowerBound..<max(integer.upperBound, fraction.upperBound) {
            let digit = bytes[position] &- .zero
            if digit > 9 { continue }   // the decimal point
            if digit == 0 {
                if digitCount > 0 { trailingZeros += 1 }
                continue
            }
            // Zeros held back were not trailing after all.
            for _ in 0..<trailingZeros {
                if digitCount < 19 { mantissa = mantissa &* 10 }
                digitCount += 1
            }
            trailingZeros = 0
            if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
            digitCount += 1
        }
        if digitCount == 0 { return .integer(0) }   // 0.000, -0.0, 0e7
        let scale = exponent - fraction.count + trailingZeros

        if digitCount <= 19 && scale >= 0 && digitCount + scale <= 19 {
            var whole = mantissa
            var overflow = false
            for _ in 0..<scale where !overflow { (whole, overflow) = whole.multipliedReportingOverflow(by: 10) }
            if !overflow {
                if !negative && whole <= UInt64(Int64.max) { return .integer(Int64(whole)) }
                if negative && whole <= UInt64(Int64.max) + 1 { return .integer(Int64(truncatingIfNeeded: 0 &- whole)) }
            }
        }
        var double: Double
        if digitCount <= 15 && (-22...22).contains(scale) {
            // Both the digits and the power of ten are exact, so one
            // correctly rounded operation gives the correctly rounded value.
            double = Double(mantissa)
            double = scale >= 0 ? double * exactPowersOfTen[scale] : double / exactPowersOfTen[-scale]
            if negative { double = -double }
        } else {
            // The standard library's conversion is correctly rounded too.
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let parsed = Double(text) else { throw error(.invalidNumber, at: start) }
            double = parsed
        }
        guard double.isFinite else { throw error(.numberOutOfRange, at: start) }
        // A number that only a Double's rounding made whole (0.99999999999999999999,
        // 1e-400) is an integer too, as with JSONDecoder, so that what is written back
        // reads the same; but not -2^63 (-9.223372036854776e+18, which JSONDecoder kept
        // a Double), which written back reads as a Double again.
        if double.magnitude < 0x1p63, let whole = Int64(exactly: double) { return .integer(whole) }
        return .number(double)
    }
}
