import Testing
import TestSupport

/// The three lists of the interface must agree: what the library exports
/// (`nm -D`), what the header declares, and what `docs/symbols` promises
/// with the version each came in. A symbol exported but undeclared is an
/// accident apps will come to depend on; one declared but not exported is
/// a link error in every app; one missing from `docs/symbols` is a promise
/// nobody wrote down.
@Suite("C interface: symbols", .shippedLibrary)
struct SymbolTests {
    /// The `ac_` functions the library exports.
    static func exported() async throws -> [String: String] {
        let listing = try await run("nm", ["-D", "--defined-only", CInterface.library])
        var symbols: [String: String] = [:]
        for line in listing.split(separator: "\n") {
            // "0000000000012345 T ac_open"; versioned names carry "@@VERSION".
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let name = fields.last?.split(separator: "@").first,
                  name.hasPrefix("ac_") else { continue }
            symbols[String(name)] = String(fields[fields.count - 2])
        }
        return symbols
    }

    /// The functions `account_core.h` declares: an `ac_` name followed by
    /// `(` outside comments (a typedef's `(*ac_event_handler)` is followed by `)`).
    static func declared() throws -> Set<String> {
        let text = String(decoding: try #require(contents(of: CInterface.header)), as: UTF8.self)
        var code: [Character] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("/*") {
                rest = rest.dropFirst(2)
                while !rest.isEmpty && !rest.hasPrefix("*/") { rest = rest.dropFirst() }
                rest = rest.dropFirst(2)
                code.append(" ")
            } else if rest.hasPrefix("//") {
                while let first = rest.first, first != "\n" { rest = rest.dropFirst() }
            } else {
                code.append(rest.removeFirst())
            }
        }
        var names: Set<String> = []
        var index = 0
        while index < code.count {
            let isStart = code[index].isLetter || code[index] == "_"
            guard isStart, index == 0 || !(code[index - 1].isLetter || code[index - 1].isNumber || code[index - 1] == "_")
            else { index += 1; continue }
            var end = index
            while end < code.count && (code[end].isLetter || code[end].isNumber || code[end] == "_") { end += 1 }
            let word = String(code[index..<end])
            var next = end
            while next < code.count && code[next].isWhitespace { next += 1 }
            if word.hasPrefix("ac_") && next < code.count && code[next] == "(" { names.insert(word) }
            index = end
        }
        return names
    }

    /// `docs/symbols`: name → version, with every malformed line reported.
    static func documented() throws -> (symbols: [String: String], problems: [String]) {
        let path = packageRoot + "/docs/symbols"
        let text = String(decoding: try #require(contents(of: path), "no \(path)"), as: UTF8.self)
        var symbols: [String: String] = [:]
        var problems: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = String(line).trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let parts = fields.count == 2 ? fields[1].split(separator: ".", omittingEmptySubsequences: false) : []
            guard fields.count == 2, parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) })
            else {
                problems.append("line \(number + 1) is not \"NAME MAJOR.MINOR.PATCH\": \(line)")
                continue
            }
            if symbols[fields[0]] != nil { problems.append("line \(number + 1) lists \(fields[0]) again") }
            symbols[fields[0]] = fields[1]
        }
        return (symbols, problems)
    }

    @Test("the exported ac_ symbols, the header's functions and docs/symbols are the same set")
    func threeListsAgree() async throws {
        try await CInterface.requireLibrary()
        let exported = try await Self.exported()
        let declared = try Self.declared()
        let (documented, problems) = try Self.documented()
        #expect(problems.isEmpty, "\(problems)")
        // Guards against a scan that finds nothing and so "agrees" with nothing.
        #expect(declared.contains("ac_open") && declared.contains("ac_call"), "header scan found \(declared.sorted())")

        let names = Set(exported.keys)
        #expect(names.subtracting(declared).isEmpty, "exported, not in the header: \(names.subtracting(declared).sorted())")
        #expect(declared.subtracting(names).isEmpty, "in the header, not exported: \(declared.subtracting(names).sorted())")
        let listed = Set(documented.keys)
        #expect(names.subtracting(listed).isEmpty, "exported, not in docs/symbols: \(names.subtracting(listed).sorted())")
        #expect(listed.subtracting(names).isEmpty, "in docs/symbols, not exported: \(listed.subtracting(names).sorted())")
        // Every one is a function in the text section, as the header declares them.
        for (name, type) in exported.sorted(by: { $0.key < $1.key }) {
            #expect(type == "T", "\(name) is exported as \(type), not as a function (T)")
        }
    }
}
