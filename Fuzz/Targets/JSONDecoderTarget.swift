import AccountCore

/// The JSON parser (`JSONParser`, with `JSONWriter` to check it): arbitrary
/// bytes either fail at an offset within them, or read as a value that
/// writes back to a text reading as the same value, which writes the same
/// again; a tighter depth limit reads the same value or says it is too deep.
@_cdecl("fuzz_json_decoder")
public func fuzzJSONDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes)
    } catch {
        precondition((0...bytes.count).contains(error.offset), "the error's offset is within the input")
        return 0
    }
    let written = JSONWriter.write(value)
    // Unescaping can only shrink a text, but numbers can grow (1e18), so no size limit here.
    guard let reread = try? JSONParser.parse(written, maximumBytes: .max) else {
        preconditionFailure("what is written reads back")
    }
    precondition(reread == value, "what is written reads back as the same value")
    precondition(JSONWriter.write(reread) == written, "writing is stable")
    do {
        let limited = try JSONParser.parse(bytes, maximumDepth: 3)
        precondition(limited == value, "a depth limit changes no value")
    } catch {
        precondition(error.reason == .tooDeep(3), "only the depth limit fails where the default limits did not")
    }
    return 0
}
