@testable import AccountCore
import FoundationEssentials
import Testing
import TestSupport

/// The core's own instant and UUID, checked against FoundationEssentials'
/// `Date`, `Date.ISO8601FormatStyle` and `UUID` (the tests may use them;
/// what ships may not).
@Suite("Instant and UniqueID")
struct InstantAndUniqueIDTests {
    @Test("ISO 8601 round-trips at every millisecond form the contract allows, and agrees with FoundationEssentials")
    func iso8601() throws {
        var generator = SeededGenerator(seed: 0x1507)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2_000 {
            // 1900 … 2200, to the millisecond.
            let milliseconds = Int64.random(in: -2_208_988_800_000 ... 7_258_118_400_000, using: &generator)
            let instant = Instant(millisecondsSince1970: milliseconds)
            let text = ISO8601.format(instant)
            #expect(ISO8601.parse(text) == instant, "\(text)")
            // FoundationEssentials reads our text as the same instant (its
            // own output can be a millisecond short: a Double of seconds).
            let date = try style.parse(text)
            #expect(Int64((date.timeIntervalSince1970 * 1000).rounded()) == milliseconds, "\(text)")
            // Without milliseconds, with an offset, with more digits: the same instant.
            let whole = Instant(millisecondsSince1970: milliseconds - ((milliseconds % 1000) + 1000) % 1000)
            #expect(ISO8601.parse(ISO8601.format(instant, milliseconds: false)) == whole)
            // Digits past the millisecond are cut, not rounded.
            #expect(ISO8601.parse(String(text.dropLast()) + "987+00:00") == instant)
        }
        let offset = try #require(ISO8601.parse("2026-04-03T15:30:00.250+03:30"))
        #expect(offset == ISO8601.parse("2026-04-03T12:00:00.250Z"))
        #expect(offset.description == "2026-04-03T12:00:00.250Z")
        for bad in ["2026-02-29T00:00:00Z", "2026-04-03T24:00:00Z", "2026-04-03T12:00:00", "2026-4-03T12:00:00Z", ""] {
            #expect(ISO8601.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("arithmetic is in whole milliseconds: 28 days are 28 days")
    func arithmetic() {
        let start = Instant(secondsSince1970: 1_775_217_600)
        let later = start.adding(seconds: 28 * 86_400)
        #expect(later.millisecondsSince1970 - start.millisecondsSince1970 == 28 * millisecondsPerDay)
        #expect(later.seconds(since: start) == 28 * 86_400)
        #expect(start.adding(seconds: 0.0004) == start)
        #expect(start.adding(seconds: 0.0006) == Instant(millisecondsSince1970: start.millisecondsSince1970 + 1))
        #expect(start < later)
        #expect(Instant(secondsSince1970: .infinity).millisecondsSince1970 == .max)
        #expect(Instant(secondsSince1970: -.infinity).millisecondsSince1970 == .min)
    }

    @Test("the system clock reads the same time as FoundationEssentials' Date()")
    func systemClock() {
        let before = Date().timeIntervalSince1970
        let now = SystemClock().now().secondsSince1970
        let after = Date().timeIntervalSince1970
        #expect(now >= before - 0.001 && now <= after + 0.001)
    }

    @Test("UUIDs are version 4, variant 10, random, and read and written as FoundationEssentials does")
    func uniqueID() throws {
        var seen = Set<UniqueID>()
        for _ in 0..<1_000 {
            let id = UniqueID()
            #expect(id.bytes.count == 16)
            #expect(id.bytes[6] >> 4 == 4)
            #expect(id.bytes[8] >> 6 == 0b10)
            seen.insert(id)
            let foundation = try #require(UUID(uuidString: id.uuidString))
            #expect(foundation.uuidString == id.uuidString)
            #expect(id.description == id.uuidString.lowercased())
            #expect(UniqueID(uuidString: id.description) == id)
        }
        #expect(seen.count == 1_000)
        let text = UUID().uuidString
        #expect(UniqueID(uuidString: text)?.uuidString == text)
        for bad in ["", "0B6E1F0A-1111-4A5B-8C9D-00000000000", "0B6E1F0A-1111-4A5B-8C9D-00000000000G",
                    "0B6E1F0A11114A5B8C9D000000000001XXXX", "0B6E1F0A-1111-4A5B-8C9D_000000000001"] {
            #expect(UniqueID(uuidString: bad) == nil, "\(bad)")
        }
    }
}
