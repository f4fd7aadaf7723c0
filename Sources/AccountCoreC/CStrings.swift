import AccountCore
import Libc

/// Strings across the C boundary: read with a bound, handed out with
/// malloc, freed by `ac_string_free`.
enum CStrings {
    /// The longest string accepted from a caller.
    static let maximumLength = 1 << 20

    /// `pointer` as UTF-8 text: nil when NULL, longer than 1 MiB, or not UTF-8.
    static func read(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, maximumLength + 1)
        guard length <= maximumLength else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(validating: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }

    /// `pointer`'s text read as JSON straight from the caller's bytes (the
    /// parser checks the UTF-8): nil when NULL, longer than 1 MiB, not UTF-8
    /// or not JSON.
    static func json(_ pointer: UnsafePointer<CChar>?) -> JSONValue? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, maximumLength + 1)
        guard length <= maximumLength else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            JSONValue(parsing: UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    /// A copy of `value`'s JSON that the caller frees with `ac_string_free`.
    static func copy(_ value: JSONValue) -> UnsafeMutablePointer<CChar>? {
        copy(value.encoded)
    }

    /// A NUL-terminated copy of `bytes` that the caller frees with `ac_string_free`.
    static func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
        guard let memory = malloc(bytes.count + 1) else { return nil }
        let text = memory.bindMemory(to: CChar.self, capacity: bytes.count + 1)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { source in
                if let base = source.baseAddress { text.update(from: base, count: bytes.count) }
            }
        }
        text[bytes.count] = 0
        return text
    }

    /// A static, never freed copy of `text`.
    static func permanent(_ text: String) -> UnsafePointer<CChar>? {
        UnsafePointer(strdup(text))
    }
}
