/// Writes JSON straight to bytes, member by member, without building a
/// `JSONValue` first: for the answers asked for many times a second (the
/// status), where building the tree and sorting its keys cost more than
/// the reads behind the answer.
///
/// The caller writes each object's members in the order `JSONWriter` sorts
/// them (by the keys' UTF-8 bytes), so the bytes are exactly those
/// `JSONWriter` would write for the same value; `SessionJSONTests` checks it
/// for every shape written this way. Strings and numbers are written by
/// `JSONWriter`'s own code.
package struct JSONStream {
    /// What was written so far.
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member or element follows another in its
    /// container, and so needs a comma: kept as a flag, not read back from
    /// the last byte, as this runs for every member of every status.
    private var followsValue = false

    /// An empty stream.
    package init() {
        bytes.reserveCapacity(512)
    }

    /// A comma, unless this is the first member or element of its container
    /// (or the value of a member); what comes next follows a value.
    private mutating func separate() {
        if followsValue { bytes.append(UInt8(ascii: ",")) }
        followsValue = true
    }

    /// Starts an object, as a value.
    package mutating func openObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        followsValue = false
    }

    /// Ends the object.
    package mutating func closeObject() {
        bytes.append(UInt8(ascii: "}"))
        followsValue = true
    }

    /// Starts an array, as a value.
    package mutating func openArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        followsValue = false
    }

    /// Ends the array.
    package mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
        followsValue = true
    }

    /// The key of the next member; `key` needs no escaping (our own names).
    package mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        followsValue = false
    }

    /// A string, or null.
    package mutating func string(_ text: String?) {
        separate()
        guard let text else { return null() }
        JSONWriter.appendString(text, to: &bytes)
    }

    /// A whole number, or null.
    package mutating func integer(_ number: Int?) {
        separate()
        guard let number else { return null() }
        JSONWriter.appendInteger(Int64(number), to: &bytes)
    }

    /// A boolean, or null.
    package mutating func bool(_ flag: Bool?) {
        separate()
        guard let flag else { return null() }
        bytes.append(contentsOf: flag ? "true".utf8 : "false".utf8)
    }

    /// An instant in ISO 8601 with milliseconds, as `JSONValue.instant`, or null.
    package mutating func instant(_ instant: Instant?) {
        guard let instant else { return string(nil) }
        separate()
        bytes.append(UInt8(ascii: "\""))
        if ISO8601.append(instant, to: &bytes) {
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.removeLast()
            JSONWriter.appendString(ISO8601.format(instant), to: &bytes)
        }
    }

    /// A value written the general way.
    package mutating func value(_ value: JSONValue) {
        separate()
        bytes.append(contentsOf: value.encoded)
    }

    private mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }
}
