/// What a terminal shows after the bytes a program wrote (through a
/// driver that makes each new line CR LF, as a pseudo-terminal's does): a grid of cells,
/// as wide as the terminal and as tall as it needs (nothing scrolls off),
/// and the cursor. It follows what xterm does with the few sequences the
/// line editor writes (CR, LF, BEL, BS, cursor up/down/forward/back, erase
/// below, erase line, clear, home, colours), and puts a character that
/// does not fit in what is left of a row on the next, as terminals do.
struct Screen {
    let columns: Int
    private(set) var rows: [[Character]] = [[]]
    private(set) var row = 0
    private(set) var column = 0
    /// After the last column: the next character starts the next row.
    private var pendingWrap = false

    init(columns: Int = 80) {
        self.columns = columns
    }

    init(_ text: String, columns: Int = 80) {
        self.columns = columns
        feed(text)
    }

    /// The text of each row, spaces at the end trimmed.
    var lines: [String] {
        rows.map { cells in
            var text = String(cells.filter { $0 != "\u{0}" })
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// The row the cursor is on.
    var currentLine: String { lines[row] }

    /// The cursor: its row and column.
    var cursor: (row: Int, column: Int) { (row, column) }

    mutating func feed(_ text: String) {
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            switch character {
            case "\r": column = 0; pendingWrap = false
            // A terminal's driver turns a new line into CR LF (ONLCR).
            case "\n", "\r\n": moveTo(row: row + 1, column: 0)
            case "\u{07}": break
            case "\u{08}": moveTo(row: row, column: max(0, column - 1))
            case "\u{1B}":
                guard characters.first == "[" else { characters = characters.dropFirst(); continue }
                characters = characters.dropFirst()
                var parameters = ""
                while let next = characters.first, next.isNumber || next == ";" {
                    parameters.append(next)
                    characters = characters.dropFirst()
                }
                guard let final = characters.popFirst() else { return }
                control(final, Int(parameters.split(separator: ";").first ?? "") ?? -1)
            default:
                put(character)
            }
        }
    }

    private mutating func control(_ final: Character, _ number: Int) {
        let count = max(number, 1)
        switch final {
        case "A": moveTo(row: max(0, row - count), column: column)
        case "B": moveTo(row: row + count, column: column)
        case "C": moveTo(row: row, column: min(columns - 1, column + count))
        case "D": moveTo(row: row, column: max(0, column - count))
        case "H": moveTo(row: 0, column: 0)
        case "J":
            if number == 2 {
                rows = rows.map { $0.map { _ in " " } }
            } else {
                rows[row].removeSubrange(min(column, rows[row].count)...)
                rows.removeSubrange((row + 1)...)
            }
        case "K": rows[row].removeSubrange(min(column, rows[row].count)...)
        default: break // colours
        }
    }

    private mutating func moveTo(row newRow: Int, column newColumn: Int) {
        row = newRow
        column = newColumn
        pendingWrap = false
        while rows.count <= row { rows.append([]) }
    }

    /// A character in the cell at the cursor; a wide one takes two, the
    /// second holding NUL.
    private mutating func put(_ character: Character) {
        let width = Self.width(character)
        guard width > 0 else { return }
        if pendingWrap || column + width > columns { moveTo(row: row + 1, column: 0) }
        while rows[row].count < column + width { rows[row].append(" ") }
        rows[row][column] = character
        if width == 2 { rows[row][column + 1] = "\u{0}" }
        column += width
        if column >= columns {
            column = columns - 1
            pendingWrap = true
        }
    }

    /// A terminal's own idea of widths, apart from the editor's table:
    /// CJK and emoji take two columns.
    private static func width(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first?.value else { return 0 }
        if first < 0x20 { return 0 }
        return (0x1100...0x115F).contains(first) || (0x2E80...0xA4CF).contains(first) || (0xAC00...0xD7A3).contains(first)
            || (0xF900...0xFAFF).contains(first) || (0xFF00...0xFF60).contains(first) || (0x1F300...0x1FAFF).contains(first)
            ? 2 : 1
    }
}
