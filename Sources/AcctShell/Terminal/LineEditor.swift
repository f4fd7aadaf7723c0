import AccountCore
import Libc
import POSIXThread

/// The prompt's line editing on a terminal: reads keys in raw mode, applies
/// them (`LineEditing`), completes on Tab (`Completion`) and redraws the
/// line (`LineRendering`). What happens meanwhile (an event) is printed
/// above the line with `printAbove`, and the line is drawn again below it
/// as it was, the cursor in place.
final class LineEditor: Sendable {
    /// How a line ended.
    enum Result: Equatable, Sendable {
        /// Enter.
        case line(String)
        /// Ctrl-C: the line was dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    private struct Active {
        var editing: LineEditing
        let prompt: String
        var rendering: LineRendering
    }

    private struct State {
        var decoder = KeyDecoder()
        /// Keys read but not used yet: typed ahead, or pasted past a line's end.
        var pending: [Key] = []
        /// The line being edited; nil between lines, while a command runs.
        var active: Active?
    }

    private let console: Console
    private let localizer: Localizer
    private let completion: Completion
    private let state = LockedValue(State())
    private let input: Int32 = 0
    private let output: Int32 = 1

    init(console: Console, localizer: Localizer) {
        self.console = console
        self.localizer = localizer
        completion = Completion(context: .prompt, localizer: localizer)
    }

    /// Reads one line after `prompt`, with `history` for the arrows and
    /// Ctrl-R. The terminal is raw only meanwhile. The wait is on a thread
    /// of its own, never on the concurrency pool.
    func readLine(prompt: ConsoleText, history: [String]) async -> Result {
        // Escaped (a server's name may be in it) and styled once; the rendering skips the styles.
        let prompt = prompt.rendered(color: console.color)
        return await withCheckedContinuation { continuation in
            let started = DetachedThread.detach {
                continuation.resume(returning: self.readBlocking(prompt: prompt, history: history))
            }
            if !started { continuation.resume(returning: .endOfInput) }
        }
    }

    /// Prints `text` and a new line above the line being edited, which is
    /// drawn again below; without one, just prints it.
    func printAbove(_ text: ConsoleText) {
        state.withLock { state in
            guard var active = state.active else { return console.line(text) }
            console.drawing(active.rendering.clear() + text.rendered(color: console.color) + "\n" + redraw(&active))
            state.active = active
        }
    }

    private func readBlocking(prompt: String, history: [String]) -> Result {
        guard let mode = TerminalMode.raw(input) else { return .endOfInput }
        defer { mode.restore() }
        // Raw before the prompt shows: nothing typed after it is echoed twice.
        state.withLock { state in
            var active = Active(editing: LineEditing(history: history), prompt: prompt,
                                rendering: LineRendering(columns: TerminalMode.columns(output)))
            console.drawing(redraw(&active))
            state.active = active
        }
        var bytes = [UInt8](repeating: 0, count: 4096)
        while true {
            if let result = state.withLock({ process(&$0) }) { return result }
            let count = bytes.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                state.withLock { $0.active = nil }
                return .endOfInput
            }
            state.withLock { $0.pending += $0.decoder.keys(from: bytes[..<count]) }
        }
    }

    /// Applies the keys read so far; the result once one ends the line.
    private func process(_ state: inout State) -> Result? {
        guard var active = state.active else { return nil }
        while !state.pending.isEmpty {
            let key = state.pending.removeFirst()
            let outcome = active.editing.apply(key)
            let result: Result?
            var text = ""
            switch outcome {
            case .submit(let line):
                text = active.rendering.finish(prompt: visiblePrompt(active), line: active.editing.buffer)
                result = .line(line)
            case .interrupt:
                text = active.rendering.finish(prompt: visiblePrompt(active), line: active.editing.buffer, mark: "^C")
                result = .interrupted
            case .endOfInput:
                result = .endOfInput
            case .complete:
                text = complete(&active)
                result = nil
            case .clearScreen:
                active.rendering.reset()
                text = "\u{1B}[H\u{1B}[2J" + redraw(&active)
                result = nil
            case .refused:
                text = "\u{07}" + redraw(&active)
                result = nil
            case .edited:
                text = redraw(&active)
                result = nil
            }
            console.drawing(text)
            if let result {
                state.active = nil
                return result
            }
        }
        state.active = active
        return nil
    }

    /// Tab: the one candidate and a space, or what all candidates share;
    /// when that adds nothing, the candidates, listed above the line.
    private func complete(_ active: inout Active) -> String {
        let buffer = active.editing.buffer
        let (words, current, length) = CommandWords.completing(String(buffer.characters[..<buffer.cursor]))
        let candidates = completion.candidates(after: words, current: current)
        guard let first = candidates.first else { return "\u{07}" }
        if candidates.count == 1 {
            active.editing.complete(replacing: length, with: first.text + (first.text.hasSuffix("=") ? "" : " "))
            return redraw(&active)
        }
        let shared = Completion.commonPrefix(candidates)
        if shared.count > current.count {
            active.editing.complete(replacing: length, with: shared)
            return redraw(&active)
        }
        let listed = TextLayout.grid(candidates.map { TerminalText.escaped($0.text, keepingLineBreaks: false) },
                                     width: active.rendering.columns).joined(separator: "\n")
        return active.rendering.clear() + visiblePrompt(active) + TerminalText.escaped(buffer.text, keepingLineBreaks: false)
            + "\n" + listed + "\n" + redraw(&active)
    }

    private func redraw(_ active: inout Active) -> String {
        active.rendering.resize(columns: TerminalMode.columns(output))
        return active.rendering.redraw(prompt: visiblePrompt(active), line: active.editing.buffer)
    }

    /// The prompt, or during Ctrl-R the search and what was typed of it,
    /// escaped.
    private func visiblePrompt(_ active: Active) -> String {
        guard let search = active.editing.search else { return active.prompt }
        return TerminalText.escaped(localizer.text(.editorSearch, ["query": search.query]), keepingLineBreaks: false)
    }
}
