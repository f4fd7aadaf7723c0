#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line chart over a logarithmic x axis, written by hand as one SVG
/// document: a white background, axes, ticks, labels and a legend, with no
/// script, no style sheet and no font to fetch, so that GitHub shows it as
/// an image in BENCHMARKS.md.
struct LineChart {
    /// One line: a name in the legend and its measured points.
    struct Series {
        var name: String
        /// An SVG colour, e.g. "#1f77b4".
        var color: String
        /// Dashed, as a reference is drawn.
        var dashed = false
        var points: [(x: Double, y: Double)]
    }

    /// How the y axis maps values.
    enum Scale {
        /// From 0 to a round number above the highest value.
        case linear
        /// Powers of ten around the values: for values that span decades.
        case logarithmic
    }

    var title: String
    var xLabel: String
    var yLabel: String
    /// Where the x axis has its ticks: the sizes measured.
    var xTicks: [Double]
    var yScale: Scale
    /// How a tick of the y axis is labelled.
    var yTickLabel: (Double) -> String
    var series: [Series]

    private static let width = 760.0, height = 440.0
    private static let left = 96.0, right = 736.0, top = 84.0, bottom = 364.0

    /// The SVG document.
    var svg: String {
        let x = xMapping()
        let (y, yTicks) = yMapping()
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.width.svg)\" height=\"\(Self.height.svg)\" "
                + "viewBox=\"0 0 \(Self.width.svg) \(Self.height.svg)\" font-family=\"sans-serif\" font-size=\"13\">",
            "<title>\(escaped(title))</title>",
            "<rect x=\"0\" y=\"0\" width=\"\(Self.width.svg)\" height=\"\(Self.height.svg)\" fill=\"#ffffff\"/>",
            "<text x=\"\((Self.width / 2).svg)\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" "
                + "fill=\"#222222\">\(escaped(title))</text>",
        ]
        // Grid and y ticks.
        for tick in yTicks {
            let position = y(tick)
            out.append(line(Self.left, position, Self.right, position, color: "#e4e4e4"))
            out.append(line(Self.left - 5, position, Self.left, position, color: "#444444"))
            out.append(text(yTickLabel(tick), x: Self.left - 9, y: position + 4, anchor: "end"))
        }
        // X ticks at the measured sizes.
        for tick in xTicks {
            let position = x(tick)
            out.append(line(position, Self.top, position, Self.bottom, color: "#f0f0f0"))
            out.append(line(position, Self.bottom, position, Self.bottom + 5, color: "#444444"))
            out.append(text(Format.count(Int(tick)), x: position, y: Self.bottom + 21, anchor: "middle"))
        }
        // Axes.
        out.append(line(Self.left, Self.top, Self.left, Self.bottom, color: "#444444"))
        out.append(line(Self.left, Self.bottom, Self.right, Self.bottom, color: "#444444"))
        out.append(text(xLabel, x: (Self.left + Self.right) / 2, y: Self.bottom + 50, anchor: "middle"))
        let middle = (Self.top + Self.bottom) / 2
        out.append("<text x=\"\((-middle).svg)\" y=\"22\" transform=\"rotate(-90)\" text-anchor=\"middle\" "
                   + "fill=\"#222222\">\(escaped(yLabel))</text>")
        // The lines, their points, and the legend above the plot.
        var legendX = Self.left
        for entry in series {
            let points = entry.points.filter { $0.x > 0 && $0.y.isFinite && (yScale == .linear || $0.y > 0) }
                .map { (x: x($0.x), y: y($0.y)) }
            let dash = entry.dashed ? " stroke-dasharray=\"7 5\"" : ""
            if points.count > 1 {
                out.append("<polyline fill=\"none\" stroke=\"\(entry.color)\" stroke-width=\"2.5\"\(dash) points=\""
                           + points.map { $0.x.svg + "," + $0.y.svg }.joined(separator: " ") + "\"/>")
            }
            for point in points {
                out.append("<circle cx=\"\(point.x.svg)\" cy=\"\(point.y.svg)\" r=\"4.5\" fill=\"\(entry.color)\"/>")
            }
            out.append("<line x1=\"\(legendX.svg)\" y1=\"54\" x2=\"\((legendX + 28).svg)\" y2=\"54\" stroke=\"\(entry.color)\" "
                       + "stroke-width=\"2.5\"\(dash)/>")
            out.append("<circle cx=\"\((legendX + 14).svg)\" cy=\"54\" r=\"4.5\" fill=\"\(entry.color)\"/>")
            out.append(text(entry.name, x: legendX + 36, y: 58, anchor: "start"))
            // No font metrics without a renderer: a generous width per character.
            legendX += 36 + 7.6 * Double(entry.name.count) + 28
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Value to horizontal position: logarithmic, with a third of a decade
    /// of margin beyond the outer ticks.
    private func xMapping() -> (Double) -> Double {
        let logs = xTicks.filter { $0 > 0 }.map { log10($0) }
        let low = (logs.min() ?? 0) - 0.3, high = (logs.max() ?? 1) + 0.3
        return { value in Self.left + (log10(value) - low) / (high - low) * (Self.right - Self.left) }
    }

    /// Value to vertical position, and the ticks of the y axis.
    private func yMapping() -> ((Double) -> Double, [Double]) {
        let values = series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && $0 > 0 }
        switch yScale {
        case .linear:
            let step = Self.roundStep((values.max() ?? 1) / 5)
            let high = ((values.max() ?? 1) / step).rounded(.up) * step
            let ticks = (0...Int((high / step).rounded())).map { Double($0) * step }
            return ({ Self.bottom - $0 / high * (Self.bottom - Self.top) }, ticks)
        case .logarithmic:
            var low = log10(values.min() ?? 1).rounded(.down)
            var high = log10(values.max() ?? 10).rounded(.up)
            if high <= low { low -= 0.5; high += 0.5 }
            var ticks: [Double] = []
            for decade in Int(low.rounded(.down))...Int(high.rounded(.up)) {
                // Few decades: 2 and 5 as well, so the axis still has steps.
                let steps = high - low <= 2 ? [1.0, 2, 5] : [1.0]
                for step in steps {
                    let value = step * pow(10, Double(decade))
                    if log10(value) >= low - 1e-9, log10(value) <= high + 1e-9 { ticks.append(value) }
                }
            }
            return ({ Self.bottom - (log10($0) - low) / (high - low) * (Self.bottom - Self.top) }, ticks)
        }
    }

    /// 1, 2 or 5 times a power of ten, the first at least `value`.
    private static func roundStep(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, log10(value).rounded(.down))
        let fraction = value / power
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String) -> String {
        "<line x1=\"\(x1.svg)\" y1=\"\(y1.svg)\" x2=\"\(x2.svg)\" y2=\"\(y2.svg)\" stroke=\"\(color)\" stroke-width=\"1\"/>"
    }

    private func text(_ content: String, x: Double, y: Double, anchor: String) -> String {
        "<text x=\"\(x.svg)\" y=\"\(y.svg)\" text-anchor=\"\(anchor)\" fill=\"#222222\">\(escaped(content))</text>"
    }

    private func escaped(_ content: String) -> String {
        content.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;")
    }
}

private extension Double {
    /// A coordinate with one decimal and no grouping, as SVG reads it.
    var svg: String {
        let tenths = Int((self * 10).rounded())
        return (tenths < 0 ? "-" : "") + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
    }
}
