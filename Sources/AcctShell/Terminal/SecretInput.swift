import Libc

/// A secret (a password, a token) read from standard input. On a terminal
/// it is asked for and typed unseen: the prompt goes to the terminal and
/// echo is off while the line is read, as `getpass(3)` and `sudo` do. The
/// terminal is put back as it was when the line ends, at the end of input,
/// on a read error and on Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT,
/// which then end `acct` with 128 + the signal's number (130 for Ctrl-C).
/// Off a terminal it reads one line, as any other input.
enum SecretInput {
    /// One line of standard input without its newline; nil at its end.
    /// `prompt` is shown only on a terminal.
    static func readLine(prompt: String) -> String? {
        var original = termios()
        guard isatty(0) == 1, tcgetattr(0, &original) == 0 else {
            return Swift.readLine(strippingNewline: true)
        }
        var unseen = original
        // The typed characters are not shown; Enter still moves to the next row.
        unseen.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK)
        unseen.c_lflag |= tcflag_t(ECHONL | ICANON | ISIG)
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
        return Swift.readLine(strippingNewline: true)
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
