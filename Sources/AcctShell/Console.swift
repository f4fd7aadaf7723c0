import POSIXThread
import Libc

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

    /// Writes `text` and a newline to standard output.
    func line(_ text: String) {
        write(text + "\n", to: 1)
    }

    /// Writes `text` and a newline to standard error.
    func error(_ text: String) {
        write(text + "\n", to: 2)
    }

    /// Writes `text` as is to standard output (a prompt, a progress line).
    func raw(_ text: String) {
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

    /// `text` in `style` when colour is on.
    func styled(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// ANSI styles.
    enum Style: String {
        case bold = "1"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case dim = "2"
    }
}
