/// What the keys do to a line: editing, history (up and down, and Ctrl-R
/// to search it), and the keys that end the line. A pure value: the
/// terminal is `LineEditor`'s.
struct LineEditing: Sendable {
    /// What a key asks of the editor.
    enum Outcome: Equatable, Sendable {
        /// The line or the cursor may have changed: redraw.
        case edited
        /// Enter: this line.
        case submit(String)
        /// Ctrl-C: the line is dropped.
        case interrupt
        /// Ctrl-D on an empty line: no more input.
        case endOfInput
        /// Tab: complete the word at the cursor.
        case complete
        /// Ctrl-L.
        case clearScreen
        /// Nothing to do (a bell).
        case refused
    }

    /// A Ctrl-R search under way: what is typed, the entry found, and the
    /// line as it was before.
    struct Search: Equatable, Sendable {
        var query = ""
        var found: Int?
        let original: LineBuffer
    }

    private(set) var buffer = LineBuffer()
    /// Earlier lines, oldest first.
    let history: [String]
    /// The entry shown while going up and down; nil: the line being typed.
    private var recalled: Int?
    /// The line being typed, kept while going through the history.
    private var draft = LineBuffer()
    private(set) var search: Search?

    init(history: [String]) {
        self.history = history
    }

    mutating func apply(_ key: Key) -> Outcome {
        if search != nil, let outcome = applySearching(key) { return outcome }
        switch key {
        case .text(let text): buffer.insert(text)
        case .enter: return .submit(buffer.text)
        case .backspace: return buffer.deleteBackward() ? .edited : .refused
        case .delete: return buffer.deleteForward() ? .edited : .refused
        case .left: buffer.moveLeft()
        case .right: buffer.moveRight()
        case .wordLeft: buffer.moveWordLeft()
        case .wordRight: buffer.moveWordRight()
        case .home: buffer.moveHome()
        case .end: buffer.moveEnd()
        case .up: return recall(by: -1)
        case .down: return recall(by: 1)
        case .tab: return .complete
        case .killToEnd: buffer.killToEnd()
        case .killToStart: buffer.killToStart()
        case .killWordBackward: buffer.killWordBackward()
        case .clearScreen: return .clearScreen
        case .interrupt: return .interrupt
        case .endOfInput:
            if buffer.characters.isEmpty { return .endOfInput }
            return buffer.deleteForward() ? .edited : .refused
        case .search:
            search = Search(original: buffer)
        case .cancel: return .refused
        }
        return .edited
    }

    /// Replaces the word before the cursor, `length` characters, by `text`
    /// (a completion).
    mutating func complete(replacing length: Int, with text: String) {
        buffer.replace((buffer.cursor - length)..<buffer.cursor, with: text)
    }

    /// Up (-1) or down (1) through the history; past the newest entry is
    /// the line being typed, as it was left.
    private mutating func recall(by step: Int) -> Outcome {
        let current = recalled ?? history.count
        let next = current + step
        guard next >= 0, next <= history.count, next != current else { return .refused }
        if recalled == nil { draft = buffer }
        recalled = next == history.count ? nil : next
        buffer = recalled.map { LineBuffer(history[$0]) } ?? draft
        return .edited
    }

    /// A key during a search: nil when it ends the search and then acts as
    /// usual (an arrow, Ctrl-A, ...).
    private mutating func applySearching(_ key: Key) -> Outcome? {
        guard var search else { return nil }
        switch key {
        case .text(let text):
            search.query += text
            search.found = find(search.query, before: (search.found ?? history.count) + 1)
        case .backspace:
            guard !search.query.isEmpty else { return .refused }
            search.query.removeLast()
            search.found = search.query.isEmpty ? nil : find(search.query, before: history.count)
        case .search:
            guard !search.query.isEmpty else { return .refused }
            guard let older = find(search.query, before: search.found ?? history.count) else { return .refused }
            search.found = older
        case .cancel, .interrupt:
            buffer = search.original
            self.search = nil
            return key == .interrupt ? .interrupt : .edited
        default:
            self.search = nil
            return nil
        }
        if let found = search.found {
            let entry = history[found]
            buffer = LineBuffer(entry)
            if let range = entry.firstRange(of: search.query) {
                buffer.move(to: entry.distance(from: entry.startIndex, to: range.lowerBound))
            }
        }
        self.search = search
        return search.found == nil && !search.query.isEmpty ? .refused : .edited
    }

    /// The newest entry before `limit` that contains `query`.
    private func find(_ query: String, before limit: Int) -> Int? {
        history[..<min(limit, history.count)].lastIndex { $0.contains(query) }
    }
}
