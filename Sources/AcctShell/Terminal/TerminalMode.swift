import Libc

/// The terminal's modes, over `termios`: raw while a line is edited (each
/// key arrives at once, nothing is echoed, Ctrl-C is a key and no signal),
/// as it was otherwise, so a command's question reads a line as usual.
struct TerminalMode: Sendable {
    private let descriptor: Int32
    private let original: termios

    /// Switches the terminal on `descriptor` to raw input; nil when it is
    /// not a terminal. Output is left as it was: a newline still starts
    /// the next row at its first column, for whatever else prints.
    static func raw(_ descriptor: Int32) -> TerminalMode? {
        var attributes = termios()
        guard tcgetattr(descriptor, &attributes) == 0 else { return nil }
        let mode = TerminalMode(descriptor: descriptor, original: attributes)
        attributes.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        attributes.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        attributes.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &attributes.c_cc) { characters in
            characters[Int(VMIN)] = 1
            characters[Int(VTIME)] = 0
        }
        guard tcsetattr(descriptor, TCSADRAIN, &attributes) == 0 else { return nil }
        return mode
    }

    /// Puts the terminal back as it was.
    func restore() {
        var attributes = original
        _ = tcsetattr(descriptor, TCSADRAIN, &attributes)
    }

    /// The width of the terminal on `descriptor`; 80 when it does not say.
    static func columns(_ descriptor: Int32) -> Int {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
