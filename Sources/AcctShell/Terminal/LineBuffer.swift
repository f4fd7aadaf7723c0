/// The line being typed and the cursor in it, counted in characters
/// (graphemes): `ş`, `İ` or a family emoji is one step of the cursor and
/// one Backspace, whatever its bytes.
struct LineBuffer: Equatable, Sendable {
    private(set) var characters: [Character]
    /// Characters before the cursor.
    private(set) var cursor: Int

    init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    var text: String { String(characters) }

    /// Inserts `text` at the cursor and moves past it. Text that joins the
    /// character before (a combining accent) joins it here too.
    mutating func insert(_ text: String) {
        let before = String(characters[..<cursor]) + text
        characters = Array(before + String(characters[cursor...]))
        cursor = before.count
    }

    /// Replaces the characters in `range` with `text`, the cursor after it.
    mutating func replace(_ range: Range<Int>, with text: String) {
        let before = String(characters[..<range.lowerBound]) + text
        characters = Array(before + String(characters[range.upperBound...]))
        cursor = before.count
    }

    /// To just before the character at `position`.
    mutating func move(to position: Int) { cursor = min(max(0, position), characters.count) }

    mutating func moveLeft() { cursor = max(0, cursor - 1) }
    mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    mutating func moveHome() { cursor = 0 }
    mutating func moveEnd() { cursor = characters.count }

    /// To the start of the word before the cursor.
    mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    /// To the end of the word after the cursor.
    mutating func moveWordRight() {
        var index = cursor
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        while index < characters.count, !characters[index].isWhitespace { index += 1 }
        cursor = index
    }

    /// Backspace: false when there is nothing before the cursor.
    @discardableResult
    mutating func deleteBackward() -> Bool {
        guard cursor > 0 else { return false }
        characters.remove(at: cursor - 1)
        cursor -= 1
        return true
    }

    /// Delete: false when there is nothing under the cursor.
    @discardableResult
    mutating func deleteForward() -> Bool {
        guard cursor < characters.count else { return false }
        characters.remove(at: cursor)
        return true
    }

    /// Ctrl-K.
    mutating func killToEnd() { characters.removeSubrange(cursor...) }

    /// Ctrl-U.
    mutating func killToStart() {
        characters.removeSubrange(..<cursor)
        cursor = 0
    }

    /// Ctrl-W: the word before the cursor and the spaces after it.
    mutating func killWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    private func wordStart(before position: Int) -> Int {
        var index = position
        while index > 0, characters[index - 1].isWhitespace { index -= 1 }
        while index > 0, !characters[index - 1].isWhitespace { index -= 1 }
        return index
    }
}
