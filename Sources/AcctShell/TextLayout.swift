/// Text laid out for a terminal of a given width, measured in columns
/// (`DisplayWidth`), not in bytes or characters: the help's paragraphs and
/// two-column lists, and the candidates Tab lists.
enum TextLayout {
    /// The width the help holds to.
    static let helpWidth = 80

    /// `text` broken at spaces into lines of at most `width` columns, each
    /// after `indent` spaces (a single word longer than that keeps its
    /// line).
    static func wrap(_ text: String, width: Int = helpWidth, indent: Int = 0) -> [String] {
        let room = max(width - indent, 1)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, DisplayWidth.of(line) + 1 + DisplayWidth.of(word) > room {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        let margin = String(repeating: " ", count: indent)
        return lines.map { margin + $0 }
    }

    /// The widest term a row keeps beside its description; a wider one
    /// has a row of its own.
    static let termWidth = 24

    /// The column the descriptions of `rows` start at: after the widest
    /// term that fits `termWidth`, two spaces of indent and two of gap.
    static func termColumn(_ rows: [(term: String, description: String)]) -> Int {
        2 + (rows.map { DisplayWidth.of($0.term) }.filter { $0 <= termWidth }.max() ?? 0) + 2
    }

    /// Rows of a term and its description: the terms indented by two, the
    /// descriptions wrapped beside them from `column` (by default,
    /// `termColumn(rows)`). A term too wide for that has its row to itself,
    /// the description below it.
    static func rows(_ rows: [(term: String, description: String)], column: Int? = nil,
                     width: Int = helpWidth) -> [String] {
        let column = column ?? termColumn(rows)
        return rows.flatMap { row -> [String] in
            let described = wrap(row.description, width: width, indent: column)
            let term = "  " + row.term
            let termColumns = DisplayWidth.of(term)
            guard termColumns + 2 <= column else { return [term] + described }
            return [term + String(repeating: " ", count: column - termColumns) + described[0].dropFirst(column)]
                + described.dropFirst()
        }
    }

    /// `words` in as many columns as fit in `width`, read down each
    /// column, as `ls` lists files.
    static func grid(_ words: [String], width: Int) -> [String] {
        let cell = (words.map { DisplayWidth.of($0) }.max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rowCount = (words.count + perRow - 1) / perRow
        return (0..<rowCount).map { row in
            stride(from: row, to: words.count, by: rowCount).map { index in
                let word = words[index]
                return word + String(repeating: " ", count: cell - DisplayWidth.of(word))
            }.joined().trimmingSuffix()
        }
    }
}

private extension String {
    func trimmingSuffix() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
