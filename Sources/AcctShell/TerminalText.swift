/// What makes text from outside inert on a terminal (CWE-150): a server's
/// username, a name, an email, an error text, a line of a file, a row of
/// the store. A terminal obeys the control characters in what it is sent:
/// `ESC[2J` clears the screen, `ESC]0;…BEL` renames the window,
/// `ESC]52;c;…BEL` writes the clipboard, U+009B is a CSI of its own, and
/// the bidirectional overrides make text read other than it is. So every
/// such character is shown instead as `\u{HEX}`, the way Swift writes it in
/// a string literal, in capitals: ESC is `\u{1B}`, BEL `\u{7}`, the CSI
/// `\u{9B}`, the right-to-left override `\u{202E}`; a newline or tab inside
/// one of acct's lines (`ConsoleText`) is `\u{A}` or `\u{9}`, so that it
/// cannot forge a line. A backslash is shown as it is.
///
/// `Console` writes every text through `escaped`, so no path to the
/// terminal forgets it; acct's own styles (`ConsoleText`) and the line
/// editor's cursor moves are added after, and are the only controls sent.
enum TerminalText {
    /// `text` with each control escaped: every C0 control (newline and tab
    /// aside when `keepingLineBreaks`: acct's own lines), DEL, every C1
    /// control (U+0080–U+009F) and the bidirectional embeddings, overrides
    /// and isolates (U+202A–U+202E, U+2066–U+2069).
    static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        // Most text has nothing to escape: keep it as it is.
        guard text.unicodeScalars.contains(where: { isEscaped($0, keepingLineBreaks: keepingLineBreaks) }) else {
            return text
        }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isEscaped(scalar, keepingLineBreaks: keepingLineBreaks) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `scalar` is one `escaped` shows escaped.
    static func isEscaped(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool = true) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepingLineBreaks
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// JSON text, as acct prints it: the same value, with every character
    /// `escaped` would escape written as `\uXXXX` (lowercase hex, as the
    /// core's writer writes the C0 controls), so that `acct --json` on a
    /// terminal is inert too. In valid JSON such characters can stand only
    /// inside strings, where `\uXXXX` means the very same character.
    static func json(_ encoded: String) -> String {
        guard encoded.unicodeScalars.contains(where: { isEscaped($0, keepingLineBreaks: false) }) else { return encoded }
        var result = String.UnicodeScalarView()
        for scalar in encoded.unicodeScalars {
            guard isEscaped(scalar, keepingLineBreaks: false) else {
                result.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            result.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
        }
        return String(result)
    }
}

/// One line acct writes to the console (a sentence of `HumanOutput`, an
/// error, the prompt, an event): parts of plain text, some in one of acct's
/// own styles. The console shows each part's text escaped, a newline or tab
/// in it too (`TerminalText.escaped`), and puts the style around it after,
/// when colour is on: text from outside can never carry a style or any
/// other control, nor start a line that seems acct's own.
struct ConsoleText: Equatable, Sendable, ExpressibleByStringLiteral {
    private struct Part: Equatable, Sendable {
        var text: String
        var style: Console.Style?
    }

    private var parts: [Part]

    /// `text`, plain.
    init(_ text: String) {
        parts = [Part(text: text, style: nil)]
    }

    /// `text` in `style`.
    init(_ text: String, _ style: Console.Style) {
        parts = [Part(text: text, style: style)]
    }

    init(stringLiteral text: String) {
        self.init(text)
    }

    /// The parts of `left`, then those of `right`.
    static func + (left: ConsoleText, right: ConsoleText) -> ConsoleText {
        var joined = left
        joined.parts += right.parts
        return joined
    }

    /// `left`, then `right` as plain text.
    static func + (left: ConsoleText, right: String) -> ConsoleText {
        left + ConsoleText(right)
    }

    /// `left` as plain text, then `right`.
    static func + (left: String, right: ConsoleText) -> ConsoleText {
        ConsoleText(left) + right
    }

    /// `template` (a text of the language tables, its placeholders
    /// unfilled) with each `{name}` replaced by `values[name]`, styles kept.
    static func filling(_ template: String, with values: [String: ConsoleText]) -> ConsoleText {
        var result = ConsoleText("")
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            result = result + ConsoleText(String(rest[..<open])) + (values[name] ?? ConsoleText("{\(name)}"))
            rest = rest[rest.index(after: close)...]
        }
        return result + ConsoleText(String(rest))
    }

    /// The text without its styles, unescaped.
    var text: String {
        parts.map(\.text).joined()
    }

    /// What the terminal is sent: each part escaped, then styled when
    /// `color`.
    func rendered(color: Bool, keepingLineBreaks: Bool = false) -> String {
        parts.map { part in
            let text = TerminalText.escaped(part.text, keepingLineBreaks: keepingLineBreaks)
            guard color, let style = part.style, !text.isEmpty else { return text }
            return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
        }.joined()
    }
}
