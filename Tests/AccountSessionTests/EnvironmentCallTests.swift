@testable import AccountCore
import AccountSession
import Testing
import TestSupport

/// `"environment"` in `ac_open`'s configuration, and what the calls say of it.
@Suite("Calls: the configuration names its environment; held operations say why")
struct EnvironmentCallTests {
    private func configuration(_ extra: [String: JSONValue], path: String = "/tmp/unused.sqlite") throws(AccountError)
        -> SessionConfiguration {
        var members: [String: JSONValue] = ["backend": "allmine", "baseURL": "https://api.allmine.example",
                                            "databasePath": .string(path)]
        members.merge(extra) { _, new in new }
        return try SessionConfiguration.parse(.object(members))
    }

    @Test("unnamed remote https is production, loopback development; a named one wins; another value is refused in words")
    func parsing() throws {
        #expect(try configuration([:]).environment == .production)
        #expect(try configuration(["baseURL": "http://127.0.0.1:8080"]).environment == .development)
        #expect(try configuration(["baseURL": "http://[::1]:8080"]).environment == .development)
        #expect(try configuration(["baseURL": "http://127.0.0.1:8080", "environment": "production"]).environment == .production)
        #expect(try configuration(["environment": "development"]).environment == .development)
        #expect(try configuration(["environment": .null]).environment == .production)
        for bad: JSONValue in ["Production", "staging", "", 1, true] {
            #expect(throws: AccountError(.invalidInput(.invalidConfiguration(field: "environment")))) {
                _ = try configuration(["environment": bad])
            }
        }
        let error = AccountError(.invalidInput(.invalidConfiguration(field: "environment")))
        #expect(Localizer(language: .english).message(for: error)
                == "The setting “environment” must be “production” or “development”.")
        #expect(Localizer(language: .turkish).message(for: error)
                == "“environment” ayarı “production” ya da “development” olmalı.")
    }

    @Test("capabilities and status name the environment; an operation of the other is listed as held, with why, in English and Turkish")
    func heldInJSON() throws {
        for (language, reason) in [("en", "Made against a development server: held, never sent to production."),
                                   ("tr", "Geliştirme sunucusunda yapıldı: bekletiliyor, üretim sunucusuna asla gönderilmez.")] {
            let directory = try TemporaryDirectory()
            let session = try Session(configuration: try configuration(
                ["baseURL": "http://127.0.0.1:1", "environment": "production", "account": "u1",
                 "language": .string(language)], path: directory.file("store.sqlite")),
                token: "token-of-u1", online: false)
            let account = try #require(session.engine.account)
            try session.store.enqueue(OutboxOperation(account: account, payload: .cancelDeletion, createdAt: start,
                                                      environment: .development))
            try session.store.enqueue(OutboxOperation(account: account, payload: .changeUsername(try Username(validating: "mine")),
                                                      createdAt: start, environment: .production))

            func call(_ name: String) throws -> JSONValue {
                let answer = try #require(session.begin(name, arguments: nil).answer)
                return try #require(JSONValue(parsing: answer.json))
            }
            let capabilities = try call("capabilities")
            #expect(capabilities["capabilities"]?["environment"] == "production")
            #expect(capabilities["capabilities"]?["mutating"]
                    == ["requestDeletion", "cancelDeletion", "finalizeDeletion", "changeUsername"])

            let status = try call("status")
            #expect(status["environment"] == "production")
            #expect(status["counts"] == ["queued": 1, "failed": 0, "missed": 0, "unreadable": 0, "held": 1])
            // The held cancel decides nothing here: the status does not list it.
            #expect(status["queued"] == [])

            let outbox = try call("outbox")
            let operations = try #require(outbox["queued"]?.arrayValue)
            #expect(operations.map { $0["environment"] } == ["development", "production"])
            #expect(operations.map { $0["held"] } == [true, false])
            #expect(operations.map { $0["heldReason"] } == [.string(reason), .null])
        }
    }
}
