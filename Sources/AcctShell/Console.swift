import AccountCore
import Libc
import POSIXThread

/// Standard input, output and error, and what kind of thing they are.
final class Console: Sendable {
    /// Standard input is a terminal (a person may be asked a question).
    let inputIsTerminal: Bool
    /// Standard output is a terminal (progress may be redrawn).
    let outputIsTerminal: Bool
    /// Colour is used: a terminal, and `NO_COLOR` unset.
    let color: Bool
    /// Keeps lines from the background (events) and the foreground whole.
    private let lock = LockedValue(())

    init(environment: [String: String]) {
        inputIsTerminal = isatty(0) == 1
        outputIsTerminal = isatty(1) == 1
        color = outputIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Writes `text`, one line of output, and a newline to standard output,
    /// escaped (`ConsoleText.rendered`): a newline or tab in it, from
    /// outside, is shown too.
    func line(_ text: ConsoleText) {
        write(text.rendered(color: color) + "\n", to: 1)
    }

    /// Writes `text` and a newline to standard output, escaped
    /// (`TerminalText`): the newlines and tabs of our own text (help, a
    /// completion script) work, every other control is shown, never obeyed.
    func line(_ text: String) {
        write(TerminalText.escaped(text) + "\n", to: 1)
    }

    /// Writes `text`, one line, and a newline to standard error, escaped.
    func error(_ text: ConsoleText) {
        write(text.rendered(color: color) + "\n", to: 2)
    }

    /// Writes `text` and a newline to standard error, escaped, its newlines and tabs kept.
    func error(_ text: String) {
        write(TerminalText.escaped(text) + "\n", to: 2)
    }

    /// Writes `text` to standard output, escaped, with no newline (a
    /// prompt, a question).
    func raw(_ text: ConsoleText) {
        write(text.rendered(color: color), to: 1)
    }

    /// Writes `text` to standard output, escaped, its newlines and tabs kept, with no newline.
    func raw(_ text: String) {
        write(TerminalText.escaped(text), to: 1)
    }

    /// Writes `text` over the line the cursor is on (a progress line),
    /// escaped: a carriage return, then the text.
    func overwrite(_ text: ConsoleText) {
        write("\r" + text.rendered(color: color), to: 1)
    }

    /// Writes `value` and a newline to standard output as JSON, with every
    /// control escaped as JSON escapes it (`TerminalText.json`).
    func json(_ value: JSONValue) {
        json(encoded: value.encoded)
    }

    /// Writes JSON already encoded (a call's answer, `Session.encoded`)
    /// and a newline, escaped as `json(_:)` escapes it.
    func json(encoded bytes: [UInt8]) {
        write(TerminalText.json(String(decoding: bytes, as: UTF8.self)) + "\n", to: 1)
    }

    /// Writes what the line editor drew, as it is: its own cursor moves and
    /// clears around text it escaped itself (`LineEditor`, `LineRendering`).
    /// Nothing else writes through here.
    func drawing(_ text: String) {
        write(text, to: 1)
    }

    private func write(_ text: String, to descriptor: Int32) {
        lock.withLock { _ in
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Libc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                bytes = bytes.dropFirst(written)
            }
        }
    }

    /// One line of standard input, without its newline; nil at its end.
    func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }

    /// `text` in `style`: the style is put around it as it is written, when
    /// colour is on.
    func styled(_ text: String, _ style: Style) -> ConsoleText {
        ConsoleText(text, style)
    }

    /// ANSI styles.
    enum Style: String, Sendable {
        case bold = "1"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case dim = "2"
    }
}
