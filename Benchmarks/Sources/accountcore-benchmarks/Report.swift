/// A figure of ours beside its reference, measured in the same run.
///
/// `ratio` is always oriented so that above 1 means ours is better: the
/// reference's time, size or memory divided by ours, or our rate divided by
/// the reference's. Absolute figures vary from machine to machine; only the
/// ratio is meant to travel.
struct Comparison {
    /// What is measured, e.g. "20 000 single-operation transactions".
    var figure: String
    /// Our figure, formatted.
    var ours: String
    /// The reference's figure, formatted.
    var reference: String
    /// Reference ÷ ours (times, sizes), ours ÷ reference (rates); nil when
    /// the two cannot be compared as one number.
    var ratio: Double?
    /// The least acceptable ratio, when the issue sets one.
    var goal: Double?
}

/// One of the measured ideas: its rows, what its reference is and how the
/// samples were taken, and anything a reader needs to read the ratio right.
struct Section {
    /// E.g. "1. Durable enqueue".
    var title: String
    /// What the reference is, in one sentence.
    var reference: String
    /// How many runs, which statistic, what is timed.
    var method: String
    /// The rows.
    var rows: [Comparison]
    /// Explanations and observations, one paragraph each.
    var notes: [String] = []
}

/// Renders the sections as the terminal table and as BENCHMARKS.md.
struct Report {
    var machine: MachineDescription
    var sections: [Section]
    /// Whether the quick (smoke-test) sizes were used.
    var quick: Bool
    /// Whether benchmarks were left out (`--only`).
    var partial = false

    /// The one table with every row, padded so it reads in a terminal and
    /// is still Markdown.
    var table: String {
        var lines: [[String]] = [["Figure", "Ours", "Reference", "Ratio", "Goal"]]
        for section in sections {
            for row in section.rows {
                lines.append([section.title + ": " + row.figure, row.ours, row.reference,
                              row.ratio.map(Format.ratio) ?? "n/a", goalText(row)])
            }
        }
        var widths = [Int](repeating: 0, count: 5)
        for line in lines {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: " | ") + " |"
        }
        var out = [render(lines[0]), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
        out += lines.dropFirst().map(render)
        return out.joined(separator: "\n")
    }

    private func goalText(_ row: Comparison) -> String {
        guard let goal = row.goal else { return "" }
        guard let ratio = row.ratio, ratio.isFinite else { return "≥ " + Format.fixed(goal, 2) + ": not measured" }
        return "≥ " + Format.fixed(goal, 2) + ": " + (ratio >= goal ? "met" : "NOT met")
    }

    /// BENCHMARKS.md: the machine, the table, then each section's method
    /// and notes.
    var markdown: String {
        var out = """
            # Benchmarks

            Written by `swift run -c release accountcore-benchmarks` (from the package root); do not edit by hand.
            Every figure is measured against its reference in the same run, on the same machine, and the ratio is
            what to read: **above 1 means ours is better** (reference time, size or memory ÷ ours; our rate ÷ the
            reference's). Absolute times depend on the machine and its neighbours; no figure is asserted.

            ## Machine

            """
        out += "\n" + machine.markdownLines.map { "- " + $0 }.joined(separator: "\n") + "\n"
        if quick { out += "\n**Quick run (smoke-test sizes): these figures are not the issue's.**\n" }
        if partial { out += "\n**Partial run (`--only`): some benchmarks were left out.**\n" }
        out += "\n## Results\n\n" + table + "\n"
        for section in sections {
            out += "\n## " + section.title + "\n\n"
            out += "- Reference: " + section.reference + "\n"
            out += "- Method: " + section.method + "\n"
            for note in section.notes { out += "\n" + note + "\n" }
        }
        return out
    }
}
