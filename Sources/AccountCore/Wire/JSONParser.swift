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
        var reader = JSONReader(bytes: buffer, maximumDepth: maximumDepth)
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
