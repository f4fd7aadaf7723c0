/// What to write to a terminal to show a prompt and a line, wrapped over
/// as many rows as it needs, with the cursor where it belongs. Each redraw
/// starts from the row the previous one left the cursor on, so it needs to
/// know nothing else of the screen. The line is drawn escaped
/// (`TerminalText`): a control in it, from a history file or a paste, is
/// shown, never obeyed, and takes the columns its escape takes. A pure
/// value, tested without a terminal.
struct LineRendering: Equatable, Sendable {
    /// The terminal's width.
    private(set) var columns: Int
    /// Rows between the prompt's first row and the cursor, as the last
    /// redraw left them.
    private(set) var cursorRow = 0

    init(columns: Int) {
        self.columns = max(columns, 2)
    }

    /// The terminal is `columns` wide now (it may have been resized).
    mutating func resize(columns: Int) {
        self.columns = max(columns, 2)
    }

    /// Where a cell is: rows below the prompt's first row, and its column.
    struct Position: Equatable {
        var row: Int
        var column: Int
    }

    /// Redraws `prompt` and `line` from the prompt's first row, and puts
    /// the cursor on the line's cursor.
    mutating func redraw(prompt: String, line: LineBuffer) -> String {
        var output = moveToStart() + "\u{1B}[J" + prompt + TerminalText.escaped(line.text, keepingLineBreaks: false)
        let (positions, end) = layout(prompt: prompt, line: line)
        // After the last column the terminal waits to wrap; a new line
        // makes the position definite.
        let wrapsAtEnd = end.column == columns
        if wrapsAtEnd { output += "\r\n" }
        let endPosition = wrapsAtEnd ? Position(row: end.row + 1, column: 0) : end
        let cursor = line.cursor < positions.count ? positions[line.cursor] : endPosition
        if cursor != endPosition {
            if endPosition.row > cursor.row { output += "\u{1B}[\(endPosition.row - cursor.row)A" }
            output += "\r" + (cursor.column > 0 ? "\u{1B}[\(cursor.column)C" : "")
        }
        cursorRow = cursor.row
        return output
    }

    /// Clears the prompt and the line, leaving the cursor where the prompt
    /// began: what is printed next takes their place, and a redraw after
    /// it draws them below.
    mutating func clear() -> String {
        moveToStart() + "\u{1B}[J"
    }

    /// Moves the cursor past the end of the line, to the start of the next
    /// row (Enter, Ctrl-C): what follows is printed below.
    mutating func finish(prompt: String, line: LineBuffer, mark: String = "") -> String {
        var atEnd = line
        atEnd.moveEnd()
        let output = redraw(prompt: prompt, line: atEnd) + mark
        cursorRow = 0
        // A line that filled its last row leaves the cursor below it already.
        let onNextRow = mark.isEmpty && layout(prompt: prompt, line: atEnd).end.column == columns
        return onNextRow ? output : output + "\r\n"
    }

    /// The screen was cleared (Ctrl-L): the prompt starts at the top.
    mutating func reset() {
        cursorRow = 0
    }

    private mutating func moveToStart() -> String {
        defer { cursorRow = 0 }
        return (cursorRow > 0 ? "\u{1B}[\(cursorRow)A" : "") + "\r"
    }

    /// Where each character of `line` is drawn after `prompt`, and where
    /// the text ends. A character that does not fit in what is left of a
    /// row (a wide one in the last column) goes to the next, as terminals
    /// put it.
    func layout(prompt: String, line: LineBuffer) -> (positions: [Position], end: Position) {
        var position = Position(row: 0, column: 0)
        func place(_ character: Character) -> Position {
            let width = DisplayWidth.of(character)
            if position.column + width > columns {
                position = Position(row: position.row + 1, column: 0)
            }
            let placed = position
            position.column += width
            return placed
        }
        // A control is drawn as its escape, which may wrap in its middle.
        func placeEscaped(_ character: Character) -> Position {
            let shown = TerminalText.escaped(String(character), keepingLineBreaks: false)
            guard shown != String(character) else { return place(character) }
            let first = shown.map(place)
            return first[0]
        }
        // A prompt's colour (ESC [ … letter) takes no column.
        var inEscape = false
        for character in prompt {
            if character == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                inEscape = !character.isLetter
            } else {
                _ = place(character)
            }
        }
        let positions = line.characters.map(placeEscaped)
        return (positions, position)
    }
}
