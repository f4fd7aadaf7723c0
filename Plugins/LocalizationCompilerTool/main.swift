// localization-compiler LOCALIZATION_DIRECTORY OUTPUT_SWIFT_FILE
//
// Checks the tables of LOCALIZATION_DIRECTORY (en.json, the reference, and
// every other *.json) and writes them as Swift. Problems are printed as
// `file:line: error: …` so the build shows them at the file, and the tool
// exits 1 without writing anything.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: localization-compiler LOCALIZATION_DIRECTORY OUTPUT_SWIFT_FILE\n".utf8))
    exit(2)
}
let directory = URL(filePath: arguments[1])
let output = URL(filePath: arguments[2])

var problems: [String] = []
@MainActor
func problem(_ file: String, _ line: Int, _ message: String) {
    problems.append("\(directory.appending(path: file).path(percentEncoded: false)):\(line): error: \(message)")
}

/// A table: its language code, its entries and the line of each key.
struct Table {
    let language: String
    let file: String
    let entries: [String: TableReader.Entry]
    let lines: [String: Int]
    let order: [String]
}

let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path(percentEncoded: false))) ?? [])
    .filter { $0.hasSuffix(".json") }.sorted()
var tables: [Table] = []
for file in files {
    guard let data = FileManager.default.contents(atPath: directory.appending(path: file).path(percentEncoded: false)) else {
        problem(file, 1, "cannot be read")
        continue
    }
    var reader = TableReader(Array(data))
    do {
        let read = try reader.read()
        tables.append(Table(language: String(file.dropLast(".json".count)), file: file,
                            entries: Dictionary(read.map { ($0.key, $0.entry) }, uniquingKeysWith: { first, _ in first }),
                            lines: Dictionary(read.map { ($0.key, $0.line) }, uniquingKeysWith: { first, _ in first }),
                            order: read.map(\.key)))
    } catch {
        problem(file, error.line, "malformed table: \(error.message)")
    }
}

/// The `{name}` placeholders of a text, sorted.
func placeholders(_ text: String) -> [String] {
    var names: Set<String> = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "{") {
        let after = rest[rest.index(after: open)...]
        guard let close = after.firstIndex(of: "}") else { break }
        names.insert(String(after[..<close]))
        rest = after[after.index(after: close)...]
    }
    return names.sorted()
}

func placeholders(_ entry: TableReader.Entry) -> [String] {
    Array(Set(entry.forms.flatMap(placeholders))).sorted()
}

/// `error.invalidInput` → `errorInvalidInput`.
func caseName(_ key: String) -> String {
    let parts = key.split(separator: ".")
    return parts.enumerated().map { offset, part in
        offset == 0 ? String(part) : part.prefix(1).uppercased() + part.dropFirst()
    }.joined()
}

let reference = tables.first { $0.language == "en" }
if reference == nil, problems.isEmpty {
    problem("en.json", 1, "en.json, the reference table, is missing")
}
if let reference {
    for key in reference.order {
        let valid = key.first.map { $0.isASCII && $0.isLetter } == true
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }
            && !key.contains("..") && !key.hasSuffix(".")
        if !valid { problem(reference.file, reference.lines[key] ?? 1, "key '\(key)': keys are dotted ASCII names (a.b2.c)") }
    }
    for table in tables where table.language != reference.language {
        for key in reference.order where table.entries[key] == nil {
            problem(table.file, 1, "key '\(key)' is missing (it is in \(reference.file), line \(reference.lines[key] ?? 1))")
        }
        for key in table.order where reference.entries[key] == nil {
            problem(table.file, table.lines[key] ?? 1, "key '\(key)' is not in \(reference.file)")
        }
        for key in reference.order {
            guard let theirs = table.entries[key], let ours = reference.entries[key] else { continue }
            if placeholders(theirs) != placeholders(ours) {
                problem(table.file, table.lines[key] ?? 1,
                        "key '\(key)': placeholders \(placeholders(theirs)) differ from \(reference.file)'s \(placeholders(ours))")
            }
        }
    }
}

guard problems.isEmpty, let reference else {
    FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
    exit(1)
}

/// `text` as a Swift string literal.
func literal(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20: result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

func entryLiteral(_ entry: TableReader.Entry) -> String {
    switch entry {
    case .text(let text): ".text(\(literal(text)))"
    case .plural(let one, let other): ".plural(one: \(literal(one)), other: \(literal(other)))"
    }
}

var swift = """
// Generated by localization-compiler from Localization/\(files.joined(separator: ", ")). Do not edit:
// edit the tables, and the build writes this file again.

/// A key of the localization tables: every text a person is shown.
package enum TextKey: String, CaseIterable, Sendable {

"""
for key in reference.order { swift += "    case \(caseName(key)) = \(literal(key))\n" }
swift += """
}

/// One text of a table, or its plural forms.
package enum TextEntry: Hashable, Sendable {
    case text(String)
    case plural(one: String, other: String)
}

/// The tables, embedded.
package enum TextTables {
    /// The language codes there are tables for.
    package static let languages: [String] = [\(tables.map { literal($0.language) }.joined(separator: ", "))]

    /// The entry of `key` in the table of `language`; nil for an unknown language.
    package static func entry(_ key: TextKey, language: String) -> TextEntry? {
        switch language {

"""
for table in tables { swift += "        case \(literal(table.language)): \(caseName("table." + table.language))(key)\n" }
swift += """
        default: nil
        }
    }

    /// The `{name}` placeholders of `key`, sorted; the same in every language.
    package static func placeholders(_ key: TextKey) -> [String] {
        switch key {

"""
for key in reference.order {
    swift += "        case .\(caseName(key)): [\(placeholders(reference.entries[key] ?? .text("")).map(literal).joined(separator: ", "))]\n"
}
swift += "        }\n    }\n"
for table in tables {
    swift += "\n    private static func \(caseName("table." + table.language))(_ key: TextKey) -> TextEntry {\n        switch key {\n"
    for key in reference.order {
        swift += "        case .\(caseName(key)): \(entryLiteral(table.entries[key] ?? .text("")))\n"
    }
    swift += "        }\n    }\n"
}
swift += "}\n"

do {
    // Only rewrite when the text changed, so the build does not recompile for nothing.
    if (try? String(contentsOf: output, encoding: .utf8)) != swift {
        try swift.write(to: output, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("\(output.path(percentEncoded: false)):1: error: cannot be written: \(error)\n".utf8))
    exit(1)
}
