
/// Any JSON value, for reading answers whose shape drifts from their
/// documents (tolerant reading) and for writing bodies field by field.
/// Back-end plugins read answers with it.
///
/// Read by `JSONParser` and written by `JSONWriter` (RFC 8259, the standard
/// library alone). Integers and other numbers are kept apart, so `30` and
/// `30.5` can be told apart when a field must be whole.
package enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes`; nil when they are not JSON (`JSONParser.parse` says
    /// why, and where).
    package init?(parsing bytes: some Collection<UInt8>) {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        self = value
    }

    /// The value as compact JSON bytes, keys sorted; a non-finite number is
    /// written as null.
    package var encoded: [UInt8] { JSONWriter.write(self) }

    /// The member `key` of an object; nil for a missing key or a non-object.
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The text of a string value.
    package var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value of a boolean.
    package var boolValue: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    /// The value of a whole number.
    package var integerValue: Int64? {
        if case .integer(let number) = self { number } else { nil }
    }

    /// The members of an object.
    package var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// The elements of an array.
    package var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// Lets go of `values` and everything nested in them without
    /// recursion, on any stack. Pass the last reference (`consume`): what
    /// is still held elsewhere is left to its other holder.
    ///
    /// Releasing a value the ordinary way releases its elements from inside
    /// the array's own release, a few frames per level: a value nested to
    /// the parser's limit (512) overflows a small stack (a C caller's
    /// thread of 64 KiB) just by going out of scope. Here each container
    /// hands its elements to a worklist before it goes, so no release
    /// reaches below it.
    package static func release(_ values: consuming [JSONValue]) {
        var work = consume values
        while let value = work.popLast() {
            switch consume value {
            case .array(let elements): work.append(contentsOf: elements)
            case .object(let members): work.append(contentsOf: members.values)
            case .null, .bool, .integer, .number, .string: break
            }
        }
    }

    /// Lets go of `value` and everything nested in it without recursion
    /// (`release(_:)` of an array says why); pass the last reference.
    package static func release(_ value: consuming JSONValue?) {
        guard let value = consume value else { return }
        release([consume value])
    }

    /// Whether the value is `null`.
    package var isNull: Bool { self == .null }

    /// A string holding an ISO 8601 instant (`Z` or a numeric offset, with or
    /// without fractional seconds), as an instant.
    package var instantValue: Instant? { stringValue.flatMap(ISO8601.parse) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// A string, or null for nil.
    package static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// An instant with milliseconds, or null for nil.
    package static func instant(_ date: Instant?) -> JSONValue {
        date.map { .string(ISO8601.format($0)) } ?? .null
    }

    /// A whole number, or null for nil.
    package static func integer(_ number: Int?) -> JSONValue { number.map { .integer(Int64($0)) } ?? .null }

    /// A boolean, or null for nil.
    package static func bool(_ flag: Bool?) -> JSONValue { flag.map(JSONValue.bool) ?? .null }
}
