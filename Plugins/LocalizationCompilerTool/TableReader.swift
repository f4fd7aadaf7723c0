/// Reads one localization table: a JSON object whose members are texts
/// (strings) or plural texts (objects of `one` and `other` strings). Written
/// by hand, rather than with JSONDecoder, to report the line of a problem
/// and to refuse a key given twice, which a decoder would silently merge.
struct TableReader {
    /// A text of the table.
    enum Entry: Equatable {
        case text(String)
        case plural(one: String, other: String)

        var forms: [String] {
            switch self {
            case .text(let text): [text]
            case .plural(let one, let other): [one, other]
            }
        }
    }

    /// A problem, with the line it is on.
    struct Problem: Error {
        let line: Int
        let message: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The entries with the line each key is on, in file order.
    mutating func read() throws(Problem) -> [(key: String, line: Int, entry: Entry)] {
        var entries: [(key: String, line: Int, entry: Entry)] = []
        var seen: [String: Int] = [:]
        try expect("{")
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                let keyLine = line
                let key = try string()
                if let first = seen[key] { throw Problem(line: keyLine, message: "key '\(key)' is given twice (first on line \(first))") }
                seen[key] = keyLine
                try expect(":")
                let entry = try entryValue(for: key)
                entries.append((key, keyLine, entry))
                skipSpace()
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect("}")
                break
            }
        }
        skipSpace()
        guard index == bytes.count else { throw Problem(line: line, message: "text after the closing brace") }
        return entries
    }

    private mutating func entryValue(for key: String) throws(Problem) -> Entry {
        skipSpace()
        if peek() == UInt8(ascii: "\"") { return .text(try string()) }
        guard peek() == UInt8(ascii: "{") else {
            throw Problem(line: line, message: "key '\(key)': a text is a string, or an object of 'one' and 'other'")
        }
        index += 1
        var forms: [String: String] = [:]
        while true {
            skipSpace()
            let form = try string()
            guard form == "one" || form == "other", forms[form] == nil else {
                throw Problem(line: line, message: "key '\(key)': plural forms are 'one' and 'other', once each")
            }
            try expect(":")
            skipSpace()
            forms[form] = try string()
            skipSpace()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            try expect("}")
            break
        }
        guard let one = forms["one"], let other = forms["other"] else {
            throw Problem(line: line, message: "key '\(key)': a plural text needs both 'one' and 'other'")
        }
        return .plural(one: one, other: other)
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            if byte == 0x0A { line += 1 }
            index += 1
        }
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(Problem) {
        skipSpace()
        guard peek() == UInt8(ascii: character) else {
            throw Problem(line: line, message: "expected '\(character)'")
        }
        index += 1
    }

    private mutating func string() throws(Problem) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw Problem(line: line, message: "expected a string") }
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let escaped = peek() else { break }
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escaped))
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(value) else {
                        throw Problem(line: line, message: "a \\u escape needs four hex digits of a scalar")
                    }
                    index += 4
                    scalars.append(scalar)
                default:
                    throw Problem(line: line, message: "unknown escape \\\(Unicode.Scalar(escaped))")
                }
            case 0x0A, 0x0D:
                throw Problem(line: line, message: "a string may not span lines")
            default:
                raw.append(byte)
            }
        }
        throw Problem(line: line, message: "unterminated string")
    }
}
