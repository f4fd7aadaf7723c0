@testable import AccountCore
import FoundationEssentials
import Testing
import TestSupport

let english = Localizer(language: .english)
let turkish = Localizer(language: .turkish)

/// 2026-04-03T12:00:00Z.
let now = Instant(secondsSince1970: 1_775_217_600)

@Suite("Localization: tables")
struct TableTests {
    @Test("every key has an entry in both languages, with the same placeholders")
    func parity() throws {
        #expect(TextTables.languages == ["en", "tr"])
        for key in TextKey.allCases {
            let entries = try ["en", "tr"].map { try #require(TextTables.entry(key, language: $0), "\(key) in \($0)") }
            let found = entries.map { entry -> Set<String> in
                let forms: [String] = switch entry {
                case .text(let text): [text]
                case .plural(let one, let other): [one, other]
                }
                return Set(forms.flatMap(Self.placeholders))
            }
            #expect(found[0] == found[1], "\(key.rawValue): \(found[0]) vs \(found[1])")
            #expect(found[0] == Set(TextTables.placeholders(key)), "\(key.rawValue)")
            // Identical texts are allowed only when they hold no words.
            #expect(entries[0] != entries[1] || !Self.hasWords(entries[0]), "\(key.rawValue) is not translated")
        }
    }

    @Test("Turkish is written with its own letters")
    func turkishLetters() {
        let all = TextKey.allCases.map { turkish.text($0, count: 2) }.joined()
        for letter in ["ç", "ğ", "ı", "İ", "ö", "ş", "ü"] where letter != "İ" {
            #expect(all.contains(letter), "no \(letter)")
        }
        #expect(turkish.text(.month8) == "Ağustos")
    }

    static func hasWords(_ entry: TextEntry) -> Bool {
        guard case .text(let text) = entry else { return true }
        var inside = false
        for character in text {
            if character == "{" { inside = true } else if character == "}" { inside = false }
            else if !inside, character.isLetter { return true }
        }
        return false
    }

    static func placeholders(_ text: String) -> [String] {
        text.split(separator: "{", omittingEmptySubsequences: false).dropFirst().compactMap { part in
            part.firstIndex(of: "}").map { String(part[..<$0]) }
        }
    }
}

@Suite("Localization: plurals, numbers, dates")
struct FormattingTests {
    @Test("days left and relative days at 0, 1, 2, 28 and 365 days",
          arguments: [(0, "0 days left", "0 gün kaldı", "today", "bugün"),
                      (1, "1 day left", "1 gün kaldı", "tomorrow", "yarın"),
                      (2, "2 days left", "2 gün kaldı", "in 2 days", "2 gün içinde"),
                      (28, "28 days left", "28 gün kaldı", "in 28 days", "28 gün içinde"),
                      (365, "365 days left", "365 gün kaldı", "in 365 days", "365 gün içinde")])
    func days(days: Int, englishLeft: String, turkishLeft: String, englishRelative: String, turkishRelative: String) {
        #expect(english.daysLeft(days) == englishLeft)
        #expect(turkish.daysLeft(days) == turkishLeft)
        let later = now.adding(seconds: Double(days) * 86_400)
        #expect(english.relativeDay(later, from: now) == englishRelative)
        #expect(turkish.relativeDay(later, from: now) == turkishRelative)
    }

    @Test("dates at 0, 1, 2, 28 and 365 days, in each language's style",
          arguments: [(0, "April 3, 2026, 3:00 PM (UTC+03:00)", "3 Nisan 2026 15:00 (UTC+03:00)"),
                      (1, "April 4, 2026, 3:00 PM (UTC+03:00)", "4 Nisan 2026 15:00 (UTC+03:00)"),
                      (2, "April 5, 2026, 3:00 PM (UTC+03:00)", "5 Nisan 2026 15:00 (UTC+03:00)"),
                      (28, "May 1, 2026, 3:00 PM (UTC+03:00)", "1 Mayıs 2026 15:00 (UTC+03:00)"),
                      (365, "April 3, 2027, 3:00 PM (UTC+03:00)", "3 Nisan 2027 15:00 (UTC+03:00)")])
    func dates(days: Int, englishText: String, turkishText: String) throws {
        let offset = try #require(UTCOffset("UTC+03:00"))
        let later = now.adding(seconds: Double(days) * 86_400)
        #expect(Localizer(language: .english, offset: offset).dateTime(later) == englishText)
        #expect(Localizer(language: .turkish, offset: offset).dateTime(later) == turkishText)
    }

    @Test("12 AM and 12 PM in English, 00 and 12 in Turkish")
    func clock() {
        let midnight = Instant(secondsSince1970: 1_775_174_400) // 2026-04-03T00:00:00Z
        #expect(english.dateTime(midnight) == "April 3, 2026, 12:00 AM (UTC+00:00)")
        #expect(english.dateTime(midnight.adding(seconds: 12 * 3_600 + 5 * 60)) == "April 3, 2026, 12:05 PM (UTC+00:00)")
        #expect(turkish.dateTime(midnight) == "3 Nisan 2026 00:00 (UTC+00:00)")
    }

    @Test("31 December turning into 1 January")
    func newYear() throws {
        let lastMinute = Instant(secondsSince1970: 1_798_761_540) // 2026-12-31T23:59:00Z
        let firstMinute = lastMinute.adding(seconds: 60)
        #expect(english.dateTime(lastMinute) == "December 31, 2026, 11:59 PM (UTC+00:00)")
        #expect(english.dateTime(firstMinute) == "January 1, 2027, 12:00 AM (UTC+00:00)")
        #expect(turkish.dateTime(lastMinute) == "31 Aralık 2026 23:59 (UTC+00:00)")
        #expect(turkish.dateTime(firstMinute) == "1 Ocak 2027 00:00 (UTC+00:00)")
        // One minute later is another calendar day.
        #expect(english.relativeDay(firstMinute, from: lastMinute) == "tomorrow")
        #expect(turkish.relativeDay(lastMinute, from: firstMinute) == "dün")
        // In UTC+03:00 the year has turned already.
        let istanbul = Localizer(language: .turkish, offset: try #require(UTCOffset("UTC+03:00")))
        #expect(istanbul.dateTime(lastMinute) == "1 Ocak 2027 02:59 (UTC+03:00)")
        #expect(istanbul.relativeDay(lastMinute, from: lastMinute.adding(seconds: -2 * 3_600)) == "bugün")
        #expect(istanbul.relativeDay(lastMinute, from: lastMinute.adding(seconds: -3 * 3_600)) == "yarın")
    }

    @Test("where the local date differs from the UTC date: UTC−12:00, UTC+05:45, UTC+14:00",
          arguments: [("UTC-12:00", 1_777_631_400.0, "April 30, 2026, 10:30 PM (UTC-12:00)", "30 Nisan 2026 22:30 (UTC-12:00)", "yesterday"),
                      ("UTC+05:45", 1_777_665_600.0, "May 2, 2026, 1:45 AM (UTC+05:45)", "2 Mayıs 2026 01:45 (UTC+05:45)", "tomorrow"),
                      ("UTC+14:00", 1_777_631_400.0, "May 2, 2026, 12:30 AM (UTC+14:00)", "2 Mayıs 2026 00:30 (UTC+14:00)", "today")])
    func farOffsets(offset text: String, instant: Double, englishText: String, turkishText: String, relative: String) throws {
        let offset = try #require(UTCOffset(text))
        let date = Instant(secondsSince1970: instant) // on 2026-05-01 in UTC
        #expect(english.date(date) == "May 1, 2026")
        #expect(Localizer(language: .english, offset: offset).dateTime(date) == englishText)
        #expect(Localizer(language: .turkish, offset: offset).dateTime(date) == turkishText)
        // Seen from 2026-05-01T12:00:00Z, the day is counted on the local
        // calendar: in UTC both instants are on 1 May ("today").
        let utcNoon = Instant(secondsSince1970: 1_777_636_800)
        #expect(english.relativeDay(date, from: utcNoon) == "today")
        #expect(Localizer(language: .english, offset: offset).relativeDay(date, from: utcNoon) == relative)
    }

    @Test("numbers are grouped as each language writes them")
    func numbers() {
        #expect(english.number(1_234_567) == "1,234,567")
        #expect(turkish.number(1_234_567) == "1.234.567")
        #expect(english.number(999) == "999")
        #expect(english.number(-1_000) == "-1,000")
        #expect(turkish.text(.syncProgress, ["sent": "2", "total": "5"]) == "2/5 gönderildi")
    }
}

@Suite("Localization: messages and language choice")
struct MessageTests {
    @Test("the message shown is ours; the server's text stays detail")
    func oursNotTheServers() {
        let error = AccountError(.conflict, detail: "Resource already exists or cannot be changed in its current state")
        #expect(english.message(for: error) == "That can't be done while the account is in its current state.")
        #expect(turkish.message(for: error) == "Hesabın şu anki durumunda bu işlem yapılamaz.")
        #expect(english.message(for: AccountError(.notFound), operation: .cancelDeletion)
                == "There is no pending deletion to cancel.")
        #expect(turkish.message(for: AccountError(.rateLimited(retryAfter: 30))) == "Çok fazla deneme yapıldı. 30 saniye sonra tekrar deneyin.")
        #expect(english.message(for: AccountError(.rateLimited(retryAfter: 1))) == "Too many attempts. Try again in 1 second.")
        #expect(turkish.message(for: AccountError(.invalidInput(.username(.invalidCharacter("İ")))))
                == "“İ” kullanıcı adında kullanılamaz: yalnızca a–z, 0–9, _ ve . kullanılabilir.")
        #expect(english.message(for: .offlineNotQueued).hasPrefix("You're offline, and this can't wait"))
        #expect(english.message(for: AccountError(.network)) == "The server could not be reached. Check your connection.")
    }

    @Test("every error has a message in both languages, none left as a key or placeholder")
    func everyError() {
        let reasons: [AccountError.Reason] = [
            .invalidInput(.confirmationMismatch), .invalidInput(.daysOutOfRange(0, allowed: 1...365)),
            .invalidInput(.reasonTooLong(length: 501, maximum: 500)), .invalidInput(.usernameCooldown(until: now)),
            .invalidInput(.rejectedByServer(status: 422)), .invalidInput(.invalidConfiguration(field: "baseURL")),
            .invalidInput(.credentialsRequired), .invalidInput(.transportRequired), .invalidInput(.username(.tooShort(length: 2))),
            .invalidInput(.username(.tooLong(length: 31))), .invalidInput(.username(.mustStartWithLetter)),
            .invalidInput(.username(.consecutiveDots)), .invalidInput(.username(.endsWithDot)),
            .invalidInput(.username(.unchanged)), .unauthorized, .forbidden, .notFound, .conflict,
            .rateLimited(retryAfter: nil), .server(status: 503), .network, .unexpectedResponse(status: 502, bodyPrefix: "<html>"),
            .storage(.notADatabase), .storage(.damaged), .storage(.newerSchema(found: 9, supported: 2)),
            .storage(.directoryMissing), .storage(.readOnly), .storage(.cannotOpen), .storage(.full), .storage(.busy),
            .storage(.ioFailure), .storage(.unreadableRecord), .unsupported,
        ]
        for reason in reasons {
            for localizer in [english, turkish] {
                let message = localizer.message(for: AccountError(reason))
                #expect(!message.contains("{") && !message.isEmpty, "\(reason): \(message)")
            }
        }
        #expect(english.message(for: AccountError(.invalidInput(.usernameCooldown(until: now))))
                == "You can change your username again on April 3, 2026, 12:00 PM (UTC+00:00).")
    }

    @Test("the language comes from LC_ALL, then LC_MESSAGES, then LANG, else English",
          arguments: [([:], Language.english), (["LANG": "tr_TR.UTF-8"], .turkish), (["LANG": "en_US.UTF-8"], .english),
                      (["LC_ALL": "tr_TR.UTF-8", "LANG": "en_US.UTF-8"], .turkish),
                      (["LC_MESSAGES": "en_GB", "LANG": "tr_TR.UTF-8"], .english),
                      (["LC_ALL": "", "LC_MESSAGES": "tr", "LANG": "en_US"], .turkish),
                      (["LANG": "C"], .english), (["LANG": "de_DE.UTF-8"], .english), (["LANG": "POSIX"], .english)])
    func environment(variables: [String: String], language: Language) {
        #expect(Language.fromEnvironment(variables) == language)
    }
}

/// Los Angeles in 2027 as a zone with one rule: winter time (-08:00) until
/// 14 March 2027, 10:00 UTC, summer time (-07:00) after.
private struct ChangingZone: OffsetZone {
    static let change = Instant(secondsSince1970: 1_805_018_400) // 2027-03-14T10:00:00Z
    func offset(at instant: Instant) -> UTCOffset {
        UTCOffset(minutes: instant.millisecondsSince1970 < Self.change.millisecondsSince1970 ? -480 : -420) ?? .utc
    }
}

@Suite("Localization: offsets and zones")
struct ZoneTests {
    @Test("any real offset parses: UTC-08:00, UTC+05:45, UTC-02:30, the ends, odd minutes",
          arguments: [("UTC-08:00", -480), ("UTC+05:45", 345), ("UTC-02:30", -150), ("UTC", 0), ("UTC+00:00", 0),
                      ("UTC-12:00", -720), ("UTC+14:00", 840), ("UTC+05:20", 320)])
    func accepted(text: String, minutes: Int) throws {
        let offset = try #require(UTCOffset(text))
        #expect(offset.minutes == minutes)
        #expect(UTCOffset(minutes: minutes) == offset)
    }

    @Test("out of range or not an offset is refused",
          arguments: ["UTC+15:00", "UTC-12:30", "UTC+14:01", "UTC+05:60", "UTC+5:45", "utc+05:45", "GMT+03:00",
                      "+03:00", "UTC+05:45 ", "Europe/Istanbul", "", "UTC+0a:00"])
    func refused(text: String) {
        #expect(UTCOffset(text) == nil)
    }

    @Test("only the contract's 37 offsets are sent as X-Timezone")
    func serverAccepted() throws {
        #expect(UTCOffset.serverAccepted.count == 37)
        #expect(try #require(UTCOffset("UTC+05:45")).isServerAccepted)
        #expect(try #require(UTCOffset("UTC+03:00")).isServerAccepted)
        #expect(!(try #require(UTCOffset("UTC-08:00")).isServerAccepted))
        #expect(!(try #require(UTCOffset("UTC-02:30")).isServerAccepted))
        #expect(!(try #require(UTCOffset("UTC+05:20")).isServerAccepted))
        #expect(UTCOffset.serverAccepted.allSatisfy { UTCOffset($0.description) == $0 })
    }

    @Test("each date shows the offset in force at it: across a daylight-saving change, an hour apart")
    func daylightSaving() throws {
        let firstOfMarch = Instant(secondsSince1970: 1_803_895_200) // 2027-03-01T10:00:00Z
        let deadline = firstOfMarch.adding(seconds: 30 * 86_400)
        let english = Localizer(language: .english, zone: ChangingZone())
        #expect(english.dateTime(firstOfMarch) == "March 1, 2027, 2:00 AM (UTC-08:00)")
        #expect(english.dateTime(deadline) == "March 31, 2027, 3:00 AM (UTC-07:00)")
        #expect(Localizer(language: .turkish, zone: ChangingZone()).dateTime(deadline) == "31 Mart 2027 03:00 (UTC-07:00)")
        // A fixed offset shows the same instant an hour off.
        let fixed = Localizer(language: .english, offset: try #require(UTCOffset("UTC-08:00")))
        #expect(fixed.dateTime(deadline) == "March 31, 2027, 2:00 AM (UTC-08:00)")
        // The last minute before the change and the first after it.
        let before = ChangingZone.change.adding(seconds: -60)
        #expect(english.dateTime(before) == "March 14, 2027, 1:59 AM (UTC-08:00)")
        #expect(english.dateTime(ChangingZone.change) == "March 14, 2027, 3:00 AM (UTC-07:00)")
        #expect(english.relativeDay(deadline, from: firstOfMarch) == "in 30 days")
    }
}
