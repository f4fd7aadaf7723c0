@testable import AccountCore
import FoundationEssentials
import Testing

@Suite("Username policy")
struct UsernamePolicyTests {
    @Test("3 and 30 characters are the inclusive bounds")
    func lengthBounds() throws {
        #expect(throws: UsernameProblem.tooShort(length: 2)) { try Username(validating: "ab") }
        #expect(try Username(validating: "abc").value == "abc")
        let thirty = "a" + String(repeating: "b", count: 29)
        #expect(try Username(validating: thirty).value == thirty)
        #expect(throws: UsernameProblem.tooLong(length: 31)) { try Username(validating: thirty + "c") }
        #expect(throws: UsernameProblem.tooShort(length: 0)) { try Username(validating: "") }
    }

    @Test("must start with a letter")
    func leadingCharacter() {
        #expect(throws: UsernameProblem.mustStartWithLetter) { try Username(validating: "1abc") }
        #expect(throws: UsernameProblem.mustStartWithLetter) { try Username(validating: "_abc") }
        #expect(throws: UsernameProblem.mustStartWithLetter) { try Username(validating: ".abc") }
    }

    @Test("no two dots in a row, no dot at the end; single dots and underscores are fine")
    func dots() throws {
        #expect(throws: UsernameProblem.consecutiveDots) { try Username(validating: "ab..cd") }
        #expect(throws: UsernameProblem.endsWithDot) { try Username(validating: "abcd.") }
        #expect(try Username(validating: "a.b_c.d9").value == "a.b_c.d9")
    }

    @Test("ASCII capitals fold to lowercase")
    func asciiFolding() throws {
        #expect(try Username(validating: "New_Name").value == "new_name")
        #expect(try Username(validating: "ABC").value == "abc")
    }

    @Test("non-ASCII letters are refused with the character named, never folded",
          arguments: [("İstanbul", "İ"), ("ayşe", "ş"), ("ｆｕｌｌ", "ｆ"), ("kırmızı", "ı"),
                      ("straße", "ß"), ("has space", " "), ("smile😀", "😀"), ("cafe\u{301}x", "e\u{301}")])
    func nonASCIIRefused(input: String, offending: String) {
        #expect(throws: UsernameProblem.invalidCharacter(Character(offending))) {
            try Username(validating: input)
        }
    }

    @Test("a queued rename read back from the store obeys the same policy")
    func decoding() throws {
        let stored = try #require(JSONValue(parsing: Array(#"{"changeUsername":{"_0":"Good_Name"}}"#.utf8)))
        #expect(OperationPayload(storedJSON: stored) == .changeUsername(try Username(validating: "good_name")))
        let refused = try #require(JSONValue(parsing: Array(#"{"changeUsername":{"_0":"İstanbul"}}"#.utf8)))
        #expect(OperationPayload(storedJSON: refused) == nil)
    }
}

@Suite("Username cooldown")
struct UsernameCooldownTests {
    @Test("a change is allowed again exactly 30 days after the last one")
    func thirtyDays() {
        let changed = Instant(secondsSince1970: 1_775_217_600) // 2026-04-03T12:00:00Z
        let cooldown = UsernameCooldown(lastChangedAt: changed)
        let next = changed.adding(seconds: 30 * 86_400)
        #expect(cooldown.nextChangeAllowedAt == next)
        #expect(!cooldown.allowsChange(at: next.adding(seconds: -0.001)))
        #expect(cooldown.allowsChange(at: next))
        #expect(UsernameCooldown(lastChangedAt: nil).allowsChange(at: changed))
        #expect(UsernameCooldown(lastChangedAt: nil).nextChangeAllowedAt == nil)
    }
}
