// Numbers: the grammar, the Int64 fast path, and correct rounding (RFC 8259 §6).

/// Exact powers of ten, for numbers that need no more than a `Double`
/// multiplication or division to be correctly rounded (Clinger's fast path).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

extension JSONReader {
    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var cursor = index
        let negative = bytes[cursor] == .minus
        if negative { cursor += 1 }

        let integerStart = cursor
        guard cursor < count, bytes[cursor].isDigit else { throw error(.invalidNumber, at: cursor) }
        if bytes[cursor] == .digitZero {
            cursor += 1
            // "Leading zeros are not allowed."
            if cursor < count && bytes[cursor].isDigit { throw error(.invalidNumber, at: cursor) }
        } else {
            while cursor < count && bytes[cursor].isDigit { cursor += 1 }
        }
        let integerEnd = cursor

        var fractionStart = cursor, fractionEnd = cursor
        if cursor < count && bytes[cursor] == .dot {
            cursor += 1
            fractionStart = cursor
            while cursor < count && bytes[cursor].isDigit { cursor += 1 }
            guard cursor > fractionStart else { throw error(.invalidNumber, at: cursor) }
            fractionEnd = cursor
        }

        var exponent = 0
        var hasExponent = false
        if cursor < count && (bytes[cursor] | 0x20) == UInt8(ascii: "e") {
            hasExponent = true
            cursor += 1
            var exponentNegative = false
            if cursor < count && (bytes[cursor] == .plus || bytes[cursor] == .minus) {
                exponentNegative = bytes[cursor] == .minus
                cursor += 1
            }
            let digitsStart = cursor
            while cursor < count && bytes[cursor].isDigit {
                // Saturates: past a million the value is zero or out of range anyway.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[cursor] - .digitZero) }
                cursor += 1
            }
            guard cursor > digitsStart else { throw error(.invalidNumber, at: cursor) }
            if exponentNegative { exponent = -exponent }
        }
        index = cursor

        // The common case: a plain integer of up to 18 digits, which Int64 holds.
        if fractionStart == fractionEnd && !hasExponent && integerEnd - integerStart <= 18 {
            var value: Int64 = 0
            for position in integerStart..<integerEnd { value = value &* 10 &+ Int64(bytes[position] - .digitZero) }
            return .integer(negative ? -value : value)
        }
        return try number(start: start, negative: negative, integer: integerStart..<integerEnd,
                          fraction: fractionStart..<fractionEnd, exponent: exponent)
    }

    /// Any other number, exactly: an integer when its value is whole and
    /// fits `Int64`, else the correctly rounded `Double`.
    func number(start: Int, negative: Bool, integer: Range<Int>, fraction: Range<Int>,
                exponent: Int) throws(JSONSyntaxError) -> JSONValue {
        // The value is digits × 10^(exponent - fraction.count). Take the
        // significant digits (leading and trailing zeros dropped, the first
        // 19 kept in `mantissa`) and scale by what was dropped.
        var digitCount = 0
        var mantissa: UInt64 = 0
        var trailingZeros = 0
        for position in integer.lowerBound..<max(integer.upperBound, fraction.upperBound) {
            let digit = bytes[position] &- .digitZero
            if digit > 9 { continue }   // the decimal point
            if digit == 0 {
                if digitCount > 0 { trailingZeros += 1 }
                continue
            }
            // Zeros held back were not trailing after all.
            for _ in 0..<trailingZeros {
                if digitCount < 19 { mantissa = mantissa &* 10 }
                digitCount += 1
            }
            trailingZeros = 0
            if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
            digitCount += 1
        }
        if digitCount == 0 { return .integer(0) }   // 0.000, -0.0, 0e7
        let scale = exponent - fraction.count + trailingZeros

        if digitCount <= 19 && scale >= 0 && digitCount + scale <= 19 {
            var whole = mantissa
            var overflow = false
            for _ in 0..<scale where !overflow { (whole, overflow) = whole.multipliedReportingOverflow(by: 10) }
            if !overflow {
                if !negative && whole <= UInt64(Int64.max) { return .integer(Int64(whole)) }
                if negative && whole <= UInt64(Int64.max) + 1 { return .integer(Int64(truncatingIfNeeded: 0 &- whole)) }
            }
        }
        var double: Double
        if digitCount <= 15 && (-22...22).contains(scale) {
            // Both the digits and the power of ten are exact, so one
            // correctly rounded operation gives the correctly rounded value.
            double = Double(mantissa)
            double = scale >= 0 ? double * exactPowersOfTen[scale] : double / exactPowersOfTen[-scale]
            if negative { double = -double }
        } else {
            // The standard library's conversion is correctly rounded too.
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let parsed = Double(text) else { throw error(.invalidNumber, at: start) }
            double = parsed
        }
        guard double.isFinite else { throw error(.numberOutOfRange, at: start) }
        // A number that only a Double's rounding made whole (0.99999999999999999999,
        // 1e-400) is an integer too, as with JSONDecoder, so that what is written back
        // reads the same; but not -2^63 (-9.223372036854776e+18, which JSONDecoder kept
        // a Double), which written back reads as a Double again.
        if double.magnitude < 0x1p63, let whole = Int64(exactly: double) { return .integer(whole) }
        return .number(double)
    }
}
