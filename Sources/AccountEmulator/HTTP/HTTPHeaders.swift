import FoundationEssentials

/// Header fields in the order they were received or added, names compared
/// case-insensitively. Repeated names are kept as separate pairs, since the
/// order and repetition of fields is part of what a client sent.
package struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field as stored: a tuple cannot be `Hashable`.
    private struct Field: Sendable, Hashable {
        var name: String
        var value: String
    }

    private var fields: [Field]

    /// Headers holding `pairs`, in order.
    package init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Headers holding the literal's pairs, in order.
    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The value of the first field named `name`, ignoring case.
    package subscript(name: String) -> String? {
        fields.first { $0.name.asciiCaseInsensitiveEquals(name) }?.value
    }

    /// Every value of the fields named `name`, ignoring case, in order.
    package func values(_ name: String) -> [String] {
        fields.filter { $0.name.asciiCaseInsensitiveEquals(name) }.map(\.value)
    }

    /// Whether a field named `name` is present, ignoring case.
    package func contains(_ name: String) -> Bool {
        fields.contains { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    /// Replaces every field named `name` with one field holding `value`, at
    /// the position of the first one (or at the end when there was none).
    package mutating func set(_ name: String, _ value: String) {
        if let first = fields.firstIndex(where: { $0.name.asciiCaseInsensitiveEquals(name) }) {
            fields[first] = Field(name: name, value: value)
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if fields[index].name.asciiCaseInsensitiveEquals(name) {
                    fields.remove(at: index)
                } else {
                    index = fields.index(after: index)
                }
            }
        } else {
            fields.append(Field(name: name, value: value))
        }
    }

    /// Appends a field, keeping any others of the same name.
    package mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`, ignoring case.
    package mutating func remove(_ name: String) {
        fields.removeAll { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    /// The number of fields, repeated names counted each time.
    package var count: Int { fields.count }

    /// The fields as `(name, value)` pairs, in order.
    package func makeIterator() -> AnyIterator<(name: String, value: String)> {
        var iterator = fields.makeIterator()
        return AnyIterator {
            iterator.next().map { (name: $0.name, value: $0.value) }
        }
    }
}

extension String {
    /// Equality ignoring the case of ASCII letters only: header names are
    /// ASCII tokens, and Unicode case folding must not make two differ or match.
    func asciiCaseInsensitiveEquals(_ other: String) -> Bool {
        let left = utf8
        let right = other.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { HTTPSyntax.lowercased($0) == HTTPSyntax.lowercased($1) }
    }

    /// Whether this comma-separated header value lists `token`, ignoring
    /// ASCII case and surrounding whitespace (`Connection: keep-alive, Close`).
    func containsHeaderToken(_ token: String) -> Bool {
        split(separator: ",").contains { element in
            String(element).trimmingHTTPWhitespace().asciiCaseInsensitiveEquals(token)
        }
    }

    /// The string without leading and trailing spaces and tabs.
    func trimmingHTTPWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
