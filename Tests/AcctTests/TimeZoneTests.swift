import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// acct shows dates in the system's zone (`TZ`, then `/etc/localtime`), each
/// with the offset in force on that date, and sends `X-Timezone` only when
/// the server lists the offset. The real binary, with `TZ` set; the
/// emulator's clock and acct's (`ACCT_NOW`) on 1 March 2027, 10:00 UTC:
/// the deletion's deadline, 28 days later, falls after the United States'
/// change to summer time (14 March). "Today" is when the status was last
/// known, shown offline.
@Suite("acct: the user's own time")
struct AcctTimeZoneTests {
    static let firstOfMarch = Instant(secondsSince1970: 1_803_895_200) // 2027-03-01T10:00:00Z

    /// acct against the harness's emulator with `TZ`, as a person in `zone`.
    private func run(_ harness: Harness, _ acct: Acct, zone: String, _ arguments: String...) async throws -> ProcessResult {
        try await execute(Acct.binary, ["--server", harness.emulator.baseURL, "--db", acct.home.file("s.sqlite")] + arguments,
                          environment: acct.environment.merging(["TZ": zone, "ACCT_NOW": "2027-03-01T10:00:00Z"]) { _, added in added })
    }

    private func user(_ harness: Harness) async throws -> String {
        let made = try await harness.control("POST", "users", ["backend": "allmine", "username": "zoe"])
        return try #require(made["token"]?.stringValue)
    }

    /// The `X-Timezone` of each request the emulator logged.
    private func timezoneHeaders(_ harness: Harness) async throws -> [String?] {
        try await harness.requests().map { request in
            request["headers"]?.arrayValue?.first { $0.arrayValue?.first?.stringValue?.lowercased() == "x-timezone" }?
                .arrayValue?.last?.stringValue
        }
    }

    @Test("TZ=America/Los_Angeles: the deadline after the change shows -07:00, today -08:00; no X-Timezone is sent")
    func losAngeles() async throws {
        let harness = try Harness()
        harness.clock.set(Self.firstOfMarch)
        let token = try await user(harness)
        let acct = try Acct()
        var result = try await run(harness, acct, zone: "America/Los_Angeles", "--token", token, "delete", "request")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("Your account will be deleted on March 29, 2027, 3:00 AM (UTC-07:00).\n"), "\(result.output)")
        #expect(result.output.contains("You can cancel until March 29, 2027, 3:00 AM (UTC-07:00) (in 28 days)."), "\(result.output)")
        result = try await run(harness, acct, zone: "America/Los_Angeles", "--offline", "--token", token, "status")
        #expect(result.output.contains("Last known status, from March 1, 2027, 2:00 AM (UTC-08:00)"), "\(result.output)")
        #expect(result.output.contains("March 29, 2027, 3:00 AM (UTC-07:00)"), "\(result.output)")
        let headers = try await timezoneHeaders(harness)
        #expect(!headers.isEmpty)
        #expect(headers.allSatisfy { $0 == nil }, "\(headers)")
    }

    @Test("TZ=Asia/Kathmandu: dates show +05:45 and X-Timezone: UTC+05:45 is sent")
    func kathmandu() async throws {
        let harness = try Harness()
        harness.clock.set(Self.firstOfMarch)
        let token = try await user(harness)
        let acct = try Acct()
        var result = try await run(harness, acct, zone: "Asia/Kathmandu", "--token", token, "delete", "request")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("Your account will be deleted on March 29, 2027, 3:45 PM (UTC+05:45).\n"), "\(result.output)")
        result = try await run(harness, acct, zone: "Asia/Kathmandu", "--offline", "--token", token, "status")
        #expect(result.output.contains("Last known status, from March 1, 2027, 3:45 PM (UTC+05:45)"), "\(result.output)")
        let headers = try await timezoneHeaders(harness)
        #expect(!headers.isEmpty)
        #expect(headers.allSatisfy { $0 == "UTC+05:45" }, "\(headers)")
    }

    @Test("--timezone takes any real offset; UTC-08:00 is shown, not sent; a fixed offset wins over TZ")
    func fixedOffset() async throws {
        let harness = try Harness()
        harness.clock.set(Self.firstOfMarch)
        let token = try await user(harness)
        let acct = try Acct()
        for offset in ["UTC-08:00", "UTC+05:45", "UTC-02:30"] {
            let result = try await run(harness, acct, zone: "Asia/Kathmandu", "--timezone", offset, "--token", token, "status")
            #expect(result.status == 0, "\(offset): \(result.errorOutput)")
        }
        let result = try await run(harness, acct, zone: "Asia/Kathmandu", "--timezone", "UTC-08:00", "--token", token,
                                   "delete", "request")
        #expect(result.output.hasPrefix("Your account will be deleted on March 29, 2027, 2:00 AM (UTC-08:00).\n"), "\(result.output)")
        // Only the UTC+05:45 run sent the header.
        let headers = try await timezoneHeaders(harness)
        #expect(Set(headers) == [nil, "UTC+05:45"], "\(headers)")
    }

    @Test("--timezone UTC+15:00 or garbage is refused (2), in English and Turkish, and nothing is sent",
          arguments: ["UTC+15:00", "UTC-12:30", "UTC+05:60", "Europe/Istanbul", "+03:00"])
    func refused(_ value: String) async throws {
        let acct = try Acct()
        var result = try await acct("--server", "http://127.0.0.1:1", "--timezone", value, "status")
        #expect(result.status == 2)
        #expect(result.errorOutput == "The value of --timezone is not an offset from UTC: \(value). Write UTC, or UTC+HH:MM or UTC-HH:MM from UTC-12:00 to UTC+14:00, minutes 00 to 59 (for example UTC-08:00, UTC+05:45).\n")
        result = try await Acct(language: "tr_TR.UTF-8")("--server", "http://127.0.0.1:1", "--timezone", value, "status")
        #expect(result.status == 2)
        #expect(result.errorOutput == "--timezone değeri UTC'ye göre bir fark değil: \(value). UTC ya da UTC-12:00 ile UTC+14:00 arasında UTC+SS:DD veya UTC-SS:DD yazın, dakika 00 ile 59 arası (örneğin UTC-08:00, UTC+05:45).\n")
    }
}
