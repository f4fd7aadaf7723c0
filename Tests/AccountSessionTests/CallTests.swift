import AccountCore
import AccountSession
import Testing
import TestSupport

@Suite("Calls: one enum, made from a name and JSON in one place")
struct CallTests {
    /// A call of each name, with arguments where it takes them.
    static let samples: [Call] = [
        .status, .operation(.profile), .operation(.stats), .capabilities,
        .operation(.requestDeletion(reason: "bye", days: 30, wipe: true)),
        .operation(.requestDeletion(reason: nil, days: nil, wipe: nil)),
        .operation(.cancelDeletion(credentials: nil)),
        .operation(.cancelDeletion(credentials: LoginCredentials(email: "max.mustermann@example.com", password: "demo-password"))),
        .operation(.finalizeDeletion), .operation(.erase(confirmation: "DELETE_MY_ACCOUNT", reason: "done")),
        .operation(.changeUsername("new_name")), .sync, .outbox(everyone: false), .outbox(everyone: true),
        .signOut(discard: false), .signOut(discard: true),
    ]

    @Test("every call goes to its name and arguments and back to itself", arguments: samples)
    func roundTrip(call: Call) throws {
        #expect(Call.names.contains(call.name))
        #expect(try Call(name: call.name, arguments: call.arguments) == call)
    }

    @Test("every name makes a call of that name")
    func everyName() {
        let named = Set(Self.samples.map(\.name))
        #expect(named == Set(Call.names))
        #expect(Call.names.count == Set(Call.names).count)
    }

    @Test("the header's table of operations names exactly these calls")
    func header() throws {
        let header = String(decoding: try #require(contents(of: packageRoot + "/Sources/CAccountCore/include/account_core.h")),
                            as: UTF8.self)
        // The table under "operation  arguments  result" in ac_call's comment.
        let lines = header.split(separator: "\n")
        let table = try #require(lines.firstIndex { $0.hasPrefix("**   operation ") })
        let end = try #require(lines[table...].firstIndex { $0.hasPrefix("** A deletion is") })
        let documented = lines[table..<end].compactMap { line -> String? in
            guard let match = line.firstMatch(of: /^\*\*   "([A-Za-z]+)"\s+[-{]/) else { return nil }
            return String(match.1)
        }
        #expect(Set(documented) == Set(Call.names), "\(documented)")
    }

    @Test("an unknown name and a wrong argument are refused, each named")
    func refusals() {
        #expect(throws: AccountError(.invalidInput(.invalidArgument(name: "operation")), detail: "unknown operation delete")) {
            try Call(name: "delete", arguments: nil)
        }
        #expect(throws: AccountError(.invalidInput(.invalidArgument(name: "days")))) {
            try Call(name: "requestDeletion", arguments: ["days": "30"])
        }
        #expect(throws: AccountError(.invalidInput(.invalidArgument(name: "extra")))) {
            try Call(name: "status", arguments: ["extra": true])
        }
        #expect(throws: AccountError(.invalidInput(.invalidArgument(name: "arguments")))) {
            try Call(name: "outbox", arguments: [true])
        }
        #expect(throws: AccountError(.invalidInput(.invalidArgument(name: "newUsername")))) {
            try Call(name: "changeUsername", arguments: nil)
        }
    }
}
