
/// ISO 8601 instants as the contract writes them, with no ICU.
///
/// Servers send `2026-04-03T12:00:00.000Z` (Allmine, Ovok) or
/// `2024-12-23T10:00:00Z` (Mudbase); a reader accepts both, any number of
/// fractional digits, and a numeric offset (`+03:00`, `+0300`).
package enum ISO8601 {
    /// `2026-04-03T12:00:00.000Z` (with milliseconds) or `2026-04-03T12:00:00Z`.
    package static func format(_ date: Instant, milliseconds: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        if append(date, milliseconds: milliseconds, to: &bytes) { return String(decoding: bytes, as: UTF8.self) }
        // Outside four digits: the general form, signs and all.
        let (days, millisecondOfDay) = floorDivision(date.millisecondsSince1970, millisecondsPerDay)
        let (year, month, day) = civilDate(fromDaysSince1970: days)
        let seconds = millisecondOfDay / 1000
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if milliseconds { text += "." + pad(millisecondOfDay % 1000, 3) }
        return text + "Z"
    }

    /// Appends `format(date)` to `bytes`, digit by digit, and returns true;
    /// false, with nothing written, for a year outside 0 to 9999.
    package static func append(_ date: Instant, milliseconds: Bool = true, to bytes: inout [UInt8]) -> Bool {
        let (days, millisecondOfDay) = floorDivision(date.millisecondsSince1970, millisecondsPerDay)
        let (year, month, day) = civilDate(fromDaysSince1970: days)
        guard (0...9999).contains(year) else { return false }
        let seconds = millisecondOfDay / 1000
        // Digits into a buffer on the stack, then one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            var count = 0
            func put(_ value: Int64, _ width: Int) {
                var value = value
                for position in stride(from: count + width - 1, through: count, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                count += width
            }
            func put(_ character: Unicode.Scalar) {
                text[count] = UInt8(ascii: character)
                count += 1
            }
            put(year, 4); put("-"); put(month, 2); put("-"); put(day, 2); put("T")
            put(seconds / 3600, 2); put(":"); put(seconds / 60 % 60, 2); put(":"); put(seconds % 60, 2)
            if milliseconds {
                put(".")
                put(millisecondOfDay % 1000, 3)
            }
            put("Z")
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<count]))
        }
        return true
    }

    /// The instant `text` names, or nil when it is not an ISO 8601 date-time
    /// with a zone (`Z` or a numeric offset).
    package static func parse(_ text: String) -> Instant? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let year = reader.digits(4), reader.take("-"), let month = reader.digits(2), reader.take("-"),
              let day = reader.digits(2), reader.take("T") || reader.take("t"),
              let hour = reader.digits(2), reader.take(":"), let minute = reader.digits(2), reader.take(":"),
              let second = reader.digits(2) else { return nil }
        var milliseconds: Int64 = 0
        if reader.take(".") || reader.take(",") {
            guard let (fraction, count) = reader.fraction(), count > 0 else { return nil }
            milliseconds = fraction
        }
        var offsetMinutes: Int64 = 0
        if reader.take("Z") || reader.take("z") {
            offsetMinutes = 0
        } else if let sign = reader.sign() {
            guard let hours = reader.digits(2) else { return nil }
            _ = reader.take(":")
            guard let minutes = reader.digits(2), hours <= 23, minutes <= 59 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard reader.atEnd, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Instant(millisecondsSince1970: seconds * 1000 + milliseconds)
    }

    // MARK: Calendar arithmetic (Howard Hinnant's civil-from-days algorithms)

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    package static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivision(y, 400).quotient
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01.
    package static func civilDate(fromDaysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivision(z, 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days in `month` of `year`.
    package static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Division rounding toward negative infinity, with a non-negative remainder.
    package static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Reads ASCII digits and signs from the front of a byte array.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard bytes.count - index >= count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }

        /// Fractional digits as milliseconds (truncated past three), and how many there were.
        mutating func fraction() -> (Int64, Int)? {
            var milliseconds: Int64 = 0
            var count = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if count < 3 { milliseconds = milliseconds * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                count += 1
                index += 1
                if count > 9 { return nil }
            }
            for _ in min(count, 3)..<3 { milliseconds *= 10 }
            return (milliseconds, count)
        }

        mutating func sign() -> Int64? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }
}
