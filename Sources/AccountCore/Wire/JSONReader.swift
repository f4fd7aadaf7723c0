// The reader behind `JSONParser`: the document and the tree of arrays and
// objects, built without recursion. Strings are in JSONReader+Strings.swift,
// numbers in JSONReader+Numbers.swift.

/// The bytes the reader looks for by name. Not `zero` and `nine`, which
/// would shadow `UInt8.zero` (0) everywhere in the module.
extension UInt8 {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
    static let digitZero = UInt8(ascii: "0"), digitNine = UInt8(ascii: "9")

    var isDigit: Bool { self &- .digitZero < 10 }
    /// Space, tab, line feed, carriage return: RFC 8259's `ws`, nothing else.
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}

/// A reader over contiguous bytes.
///
/// Arrays and objects are read without recursion: the containers still
/// open are kept on an explicit stack (`open`), so reading a text nested
/// to the limit takes the same few frames of the caller's stack as reading
/// `1`. A C caller's thread may have a small stack (64 KiB), and a
/// recursive reader ran out of it at about 450 levels.
struct JSONReader {
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
            case .minus, .digitZero ... .digitNine: value = try number()
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
}
