/// Numbers as the report prints them, without Foundation's formatters (the
/// package uses FoundationEssentials only, which has none).
enum Format {
    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Past 2^53 a Double holds no fraction to print anyway.
        guard scaled < 9e15 else { return String(value) }
        let whole = UInt64(scaled)
        let factor = UInt64(scale)
        let integer = grouped(whole / factor)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard decimals > 0 else { return sign + integer }
        var fraction = String(whole % factor)
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + integer + "." + fraction
    }

    /// `value` with three significant digits, as most figures need no more
    /// precision than the noise of a shared machine allows.
    static func significant(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        return fixed(value, decimals)
    }

    /// A whole number with thin groups of three: 20 000.
    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(" ") }
            out.append(digit)
        }
        return out
    }

    /// A count: 20 000.
    static func count(_ value: Int) -> String {
        value < 0 ? "-" + grouped(UInt64(-value)) : grouped(UInt64(value))
    }

    /// A duration in the unit that keeps it readable: 12.3 s, 615 µs, 85.2 ns.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "n/a" }
        let magnitude = abs(seconds)
        if magnitude >= 1 { return significant(seconds) + " s" }
        if magnitude >= 1e-3 { return significant(seconds * 1e3) + " ms" }
        if magnitude >= 1e-6 { return significant(seconds * 1e6) + " µs" }
        return significant(seconds * 1e9) + " ns"
    }

    /// A size in bytes, in MiB or KiB with the exact byte count beside it.
    static func bytes(_ count: Int64) -> String {
        let value = Double(count)
        if value >= 1_048_576 { return significant(value / 1_048_576) + " MiB" }
        if value >= 1_024 { return significant(value / 1_024) + " KiB" }
        return count.description + " B"
    }

    /// A rate per second: 1 234 ops/s.
    static func rate(_ perSecond: Double, unit: String) -> String {
        significant(perSecond) + " " + unit + "/s"
    }

    /// A ratio: 0.93×.
    static func ratio(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "n/a" }
        // Below 0.1, two decimals say little: the inverse reads better.
        if value < 0.1 { return "1/" + significant(1 / value) + "×" }
        return (value >= 10 ? fixed(value, 1) : fixed(value, 2)) + "×"
    }
}
