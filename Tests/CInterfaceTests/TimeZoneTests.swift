import AccountCore
import FoundationEssentials
import Testing
import TestSupport

/// `"timezone"` in `ac_open` takes any real offset (`c/timezone.c`), and
/// `X-Timezone` goes out only for the servers' 37: the emulator's request
/// log shows UTC+05:45 sent, UTC-08:00 and UTC-02:30 left out, and no 400.
@Suite("C interface: the user's offset", .shippedLibrary)
struct TimeZoneTests {
    @Test("UTC-08:00, UTC+05:45 and UTC-02:30 open; only UTC+05:45 is sent as X-Timezone; UTC+15:00 is refused")
    func anyOffset() async throws {
        let (harness, token) = try CInterface.emulator()
        let directory = try TemporaryDirectory()
        let program = try await CInterface.compile("timezone", in: directory)
        let result = try await CInterface.run(program, [harness.emulator.baseURL, token, directory.path], seconds: 60)
        #expect(result.status == 0, "\(CInterface.describe(result, seconds: 60))")
        #expect(result.output.contains(" checks, 0 failed"), "\(result.output)")
        let requests = try await harness.requests()
        #expect(requests.count >= 3, "\(requests)")
        let zones = requests.map { request in
            request["headers"]?.arrayValue?.first { $0.arrayValue?.first?.stringValue?.lowercased() == "x-timezone" }?
                .arrayValue?.last?.stringValue
        }
        #expect(zones.contains("UTC+05:45"), "\(zones)")
        #expect(zones.allSatisfy { $0 == nil || $0 == "UTC+05:45" }, "\(zones)")
        #expect(zones.filter { $0 == nil }.count >= 2, "\(zones)")
        #expect(requests.allSatisfy { $0["status"]?.integerValue != 400 }, "\(requests)")
    }
}
