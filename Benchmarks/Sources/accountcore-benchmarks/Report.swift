/// A goal the issue sets for a ratio.
struct Goal {
    /// The least ratio that meets it.
    var least: Double
    /// The goal in the words, with the ratio it means when the
    /// words are not already one: "≤ 3× the read (≥ 0.33×)".
    var words: String

    /// Ours at least `least` times the reference's rate (or the reference's
    /// time ÷ ours at least `least`): "≥ 0.70×".
    static func atLeast(_ least: Double, _ remark: String = "") -> Goal {
        Goal(least: least, words: "≥ " + Format.ratio(least) + (remark.isEmpty ? "" : " " + remark))
    }

    /// Ours at most `times` times as long as `what`: "≤ 3× the read (≥ 0.33×)".
    static func atMost(_ times: Double, _ what: String) -> Goal {
        let factor = times == times.rounded() ? String(Int(times)) : Format.significant(times)
        return Goal(least: 1 / times, words: "≤ " + factor + "× " + what + " (≥ " + Format.ratio(1 / times) + ")")
    }

    /// Whether `ratio` meets it.
    func isMet(by ratio: Double) -> Bool { ratio.isFinite && ratio >= least }
}

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
    /// The goal for the ratio, when it sets one.
    var goal: Goal?
    /// The lowest and highest ratio of the rounds (or turns) the ratio
    /// summarizes; nil for a single measurement.
    var spread: (low: Double, high: Double)? = nil

    /// A comparison of times taken side by side in rounds: `ours[i]` and
    /// `reference[i]` are the seconds of round i. The ratio is the median
    /// of the rounds' ratios, the spread their lowest and highest; the
    /// cells show each side's median through `show`.
    static func rounds(_ figure: String, ours: [Double], reference: [Double], goal: Goal? = nil,
                       show: (Double) -> String = Format.duration) -> Comparison {
        let ratios = Samples.ratios(reference: reference, ours: ours)
        return Comparison(figure: figure, ours: show(Samples.median(ours)), reference: show(Samples.median(reference)),
                          ratio: Samples.median(ratios), goal: goal,
                          spread: ratios.count > 1 ? Samples.range(ratios) : nil)
    }
}

/// An SVG chart a section draws, written beside the report.
struct Chart {
    /// Its file name, e.g. "status-growth.svg".
    var fileName: String
    /// What it shows, as the image's alternative text.
    var caption: String
    /// The SVG document.
    var svg: String
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
    /// Whether the rows form a table of their own, in the section, rather
    /// than rows of the results table (a series, such as growth).
    var ownTable = false
    /// Charts drawn from the rows, shown beside the section's own table.
    var charts: [Chart] = []
}

/// Renders the sections as the terminal table and as BENCHMARKS.md.
struct Report {
    var machine: MachineDescription
    var sections: [Section]
    /// Whether the quick (smoke-test) sizes were used.
    var quick: Bool
    /// Whether benchmarks were left out (`--only`).
    var partial = false

    /// The results table: every row of the sections without a table of
    /// their own, padded so it reads in a terminal and is still Markdown.
    var table: String {
        Self.render(sections.filter { !$0.ownTable }.flatMap { section in
            section.rows.map { (section.title + ": " + $0.figure, $0) }
        })
    }

    /// Whether any section has rows for the results table.
    var hasResults: Bool { sections.contains { !$0.ownTable && !$0.rows.isEmpty } }

    /// The tables of the sections that have their own, each under its title,
    /// for the terminal.
    var ownTables: String {
        sections.filter(\.ownTable).map { section in
            section.title + "\n\n" + Self.render(section.rows.map { ($0.figure, $0) })
        }.joined(separator: "\n\n")
    }

    /// Every chart of the sections.
    var charts: [Chart] { sections.flatMap(\.charts) }

    /// `rows` as one padded Markdown table.
    private static func render(_ rows: [(figure: String, row: Comparison)]) -> String {
        var lines: [[String]] = [["Figure", "Ours", "Reference", "Ratio", "Spread", "Goal"]]
        for (figure, row) in rows {
            lines.append([figure, row.ours, row.reference, row.ratio.map(Format.ratio) ?? "n/a",
                          row.spread.map { Format.ratio($0.low) + "–" + Format.ratio($0.high) } ?? "",
                          goalText(row)])
        }
        var widths = [Int](repeating: 0, count: lines[0].count)
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

    private static func goalText(_ row: Comparison) -> String {
        guard let goal = row.goal else { return "" }
        guard let ratio = row.ratio, ratio.isFinite else { return goal.words + ": not measured" }
        return goal.words + ": " + (goal.isMet(by: ratio) ? "met" : "NOT met")
    }

    /// The figures of this run as a baseline kept for later runs to be read
    /// against (`--save-baseline`): `title` as its heading, what was
    /// measured (`revision`) and where, then every table, without the
    /// methods (BENCHMARKS.md keeps those).
    func baselineMarkdown(title: String, revision: String) -> String {
        var out = "## " + title + "\n\n- Revision: " + revision + "\n"
        out += machine.markdownLines.map { "- " + $0 }.joined(separator: "\n") + "\n"
        if quick { out += "\n**Quick run (smoke-test sizes): these figures are not the issue's.**\n" }
        if partial { out += "\n**Partial run (`--only`): some benchmarks were left out.**\n" }
        out += "\n" + table + "\n"
        for section in sections where section.ownTable {
            out += "\n### " + section.title + "\n\n" + Self.render(section.rows.map { ($0.figure, $0) }) + "\n"
        }
        for section in sections where section.rows.isEmpty {
            out += "\n" + section.title + ": " + section.notes.joined(separator: " ") + "\n"
        }
        return out
    }

    /// BENCHMARKS.md: the machine, the table, then each section's method
    /// and notes, then the kept baselines. `chartDirectory` is where the
    /// charts are, relative to the report ("" when beside it); `baselines`
    /// are earlier runs' figures (Markdown, each under its own heading),
    /// copied in as they are so a later run is read against them.
    func markdown(chartDirectory: String, baselines: [String] = []) -> String {
        var out = """
            # Benchmarks

            Written by `swift run -c release accountcore-benchmarks` (from the package root); do not edit by hand.
            Every figure is measured against its reference in the same run, on the same machine, and the ratio is
            what to read: **above 1 means ours is better** (reference time, size or memory ÷ ours; our rate ÷ the
            reference's). Where both sides ran in rounds, side by side, the ratio is the median of the rounds'
            ratios and the spread their lowest and highest. Absolute times depend on the machine and its
            neighbours; no figure is asserted.

            ## Machine

            """
        out += "\n" + machine.markdownLines.map { "- " + $0 }.joined(separator: "\n") + "\n"
        if quick { out += "\n**Quick run (smoke-test sizes): these figures are not the issue's.**\n" }
        if partial { out += "\n**Partial run (`--only`): some benchmarks were left out.**\n" }
        out += "\n## Results\n\n" + table + "\n"
        let prefix = chartDirectory.isEmpty || chartDirectory.hasSuffix("/") ? chartDirectory : chartDirectory + "/"
        for section in sections {
            out += "\n## " + section.title + "\n\n"
            out += "- Reference: " + section.reference + "\n"
            out += "- Method: " + section.method + "\n"
            if section.ownTable { out += "\n" + Self.render(section.rows.map { ($0.figure, $0) }) + "\n" }
            for chart in section.charts { out += "\n![" + chart.caption + "](" + prefix + chart.fileName + ")\n" }
            for note in section.notes { out += "\n" + note + "\n" }
        }
        if !baselines.isEmpty {
            out += "\n# Baselines\n\nEarlier runs, kept in `Benchmarks/baselines/` by `--save-baseline TITLE` and copied here by every run, "
                + "so that a change is read against the figures from before it: compare ratios, and only those of "
                + "runs on the same machine.\n"
            for baseline in baselines { out += "\n" + baseline.trimmingTrailingNewlines + "\n" }
        }
        return out
    }
}

extension String {
    /// The text without the line ends at its end.
    var trimmingTrailingNewlines: Substring {
        var text = self[...]
        while text.last == "\n" { text = text.dropLast() }
        return text
    }
}
