@testable import AccountSession
import AccountCore
import SQLiteDB
import Testing
import TestSupport

/// The configuration of `ac_open` with `fingerprintKey` set to `key`.
private func configuration(databasePath: String, key: JSONValue) -> JSONValue {
    ["backend": "allmine", "baseURL": "http://127.0.0.1:9", "databasePath": .string(databasePath), "fingerprintKey": key]
}

@Suite("Configuration: the fingerprint key from the app")
struct FingerprintKeyConfigurationTests {
    /// 32 bytes 0, 1, ..., 31 in base64.
    static let valid = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

    @Test("32 bytes in standard base64 with padding are taken, byte for byte; the store file then holds no key")
    func valid() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let parsed = try SessionConfiguration.parse(configuration(databasePath: path, key: .string(Self.valid)))
        #expect(parsed.fingerprintKey == Array(0..<32))
        let session = try Session(configuration: parsed, transport: NoTransport())
        #expect(try session.store.fingerprintKey() == Array(0..<32))
        let raw = try Database(path: path, create: false)
        #expect(try raw.scalarInt("SELECT count(*) FROM store_key") == 0)
    }

    @Test("another length, another alphabet, missing or extra padding, spaces, a wrong type: refused, naming the key, in English and Turkish", arguments: [
        "", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", // 31 bytes
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", // 34 bytes
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", // no padding
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==", // extra padding
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", // bits after the last byte
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd-h8=", // URL-safe alphabet
        "AAECAwQFBgcICQoL DA0ODxAREhMUFRYXGBkaGxwdHh8=", // a space
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", // a line break
        "AAEC=wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", // padding inside
    ])
    func refused(_ text: String) throws {
        let directory = try TemporaryDirectory()
        expectRefused(configuration(databasePath: directory.file("store.sqlite"), key: .string(text)))
    }

    @Test("a key that is not a string is refused")
    func notAString() throws {
        let directory = try TemporaryDirectory()
        expectRefused(configuration(databasePath: directory.file("store.sqlite"), key: .integer(32)))
        expectRefused(configuration(databasePath: directory.file("store.sqlite"), key: .array([])))
    }

    private func expectRefused(_ json: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SessionConfiguration.parse(json)
            Issue.record("taken: \(json)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason == .invalidInput(.invalidConfiguration(field: "fingerprintKey")),
                    sourceLocation: sourceLocation)
            #expect(Localizer(language: .english).message(for: error).contains("32 bytes in base64"),
                    sourceLocation: sourceLocation)
            #expect(Localizer(language: .turkish).message(for: error).contains("32 bayt"),
                    sourceLocation: sourceLocation)
        }
    }

    @Test("the decoder reads what the standard alphabet encodes, every padding")
    func decoder() {
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("Zg==") == Array("f".utf8))
        #expect(Base64.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64.decode("Zm9v") == Array("foo".utf8))
        #expect(Base64.decode("Zm9vYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(Base64.decode("Zg=") == nil)
        #expect(Base64.decode("Z===") == nil)
    }
}

/// A transport that is never asked: these tests send nothing.
private struct NoTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        throw TransportFailure(.other, detail: "no transport in this test")
    }
}
