import Libc

/// A secret (a password, a token) read from standard input. On a terminal
/// it is asked for and typed unseen: the prompt goes to the terminal, and
/// echo is off while the line is read, as `getpass(3)` and `sudo` do. The
/// line is read key by key (backspace and Ctrl-U edit it), so Ctrl-C is
/// seen as a key even where no signal would come (a terminal that is not
/// the controlling one): the terminal is put back and `acct` ends with 130,
/// as a shell reports SIGINT. The terminal is put back as well when the
/// line ends, at the end of input (Ctrl-D), on a read error, and on
/// SIGINT, SIGTERM, SIGHUP or SIGQUIT (then `acct` ends with 128 + the
/// signal's number). Off a terminal it reads one line, as any other input.
enum SecretInput {
    /// One line of standard input without its newline; nil at its end.
    /// `prompt` is shown only on a terminal.
    static func readLine(prompt: String) -> String? {
        var original = termios()
        guard isatty(0) == 1, tcgetattr(0, &original) == 0 else {
            return Swift.readLine(strippingNewline: true)
        }
        var unseen = original
        // Key by key, nothing shown; the keys that signal are read as keys.
        unseen.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL | ICANON | ISIG | IEXTEN)
        unseen.c_iflag |= tcflag_t(ICRNL)
        withUnsafeMutableBytes(of: &unseen.c_cc) { characters in
            characters[Int(VMIN)] = 1
            characters[Int(VTIME)] = 0
        }
        // The handlers know the terminal to put back before echo goes off.
        terminalBeforeSecret = original
        var handler = sigaction()
        handler.__sigaction_handler.sa_handler = restoreTerminalAndExit
        sigemptyset(&handler.sa_mask)
        let previous = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { number in
            var before = sigaction()
            _ = sigaction(number, &handler, &before)
            return (number, before)
        }
        defer {
            _ = tcsetattr(0, TCSADRAIN, &original)
            for (number, before) in previous {
                var action = before
                _ = sigaction(number, &action, nil)
            }
        }
        guard tcsetattr(0, TCSADRAIN, &unseen) == 0 else { return nil }
        // Echo is off before the prompt shows: nothing typed after it is seen.
        writeToTerminal(prompt)
        let line = readKeys()
        // Enter is not echoed either: the next output starts on a row of its own.
        writeToTerminal("\n")
        switch line {
        case .line(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .endOfInput: return nil
        case .interrupted:
            _ = tcsetattr(0, TCSADRAIN, &original)
            exit(130)
        }
    }

    /// What the keys typed came to.
    private enum Typed {
        case line([UInt8])
        case endOfInput
        case interrupted
    }

    /// Reads keys up to Enter: backspace takes back a character, Ctrl-U
    /// the whole line, Ctrl-D on an empty line is the end of input, Ctrl-C
    /// gives up.
    private static func readKeys() -> Typed {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Libc.read(0, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return line.isEmpty ? .endOfInput : .line(line) }
            switch byte {
            case 0x0A, 0x0D:
                return .line(line)
            case 0x03:
                return .interrupted
            case 0x04:
                if line.isEmpty { return .endOfInput }
            case 0x7F, 0x08:
                // A whole character: its continuation bytes, then its first.
                while let last = line.popLast(), last & 0xC0 == 0x80 {}
            case 0x15:
                line.removeAll()
            default:
                line.append(byte)
            }
        }
    }

    /// Writes `text` to the controlling terminal (`/dev/tty`), else to
    /// standard error: never to standard output, which may be a pipe of
    /// `--json`.
    private static func writeToTerminal(_ text: String) {
        let terminal = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
        let descriptor = terminal >= 0 ? terminal : 2
        defer { if terminal >= 0 { close(terminal) } }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Libc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// The terminal's modes before echo was turned off, for the signal
/// handler: written only before the handlers are installed, read only by them.
nonisolated(unsafe) private var terminalBeforeSecret = termios()

/// A signal while a secret is read: the terminal as it was (echo on), a
/// new line after the prompt, and the exit status a shell gives for the
/// signal. Only async-signal-safe calls (`tcsetattr`, `write`, `_exit`).
private func restoreTerminalAndExit(_ signal: Int32) {
    _ = tcsetattr(0, TCSANOW, &terminalBeforeSecret)
    var newline = UInt8(ascii: "\n")
    _ = write(2, &newline, 1)
    _exit(128 + signal)
}
