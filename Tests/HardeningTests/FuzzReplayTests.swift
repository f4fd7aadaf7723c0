import FuzzTargets
import FoundationEssentials
import Testing
import TestSupport

/// Every seed and every input that once crashed a fuzz target, replayed
/// through the same entry point on each test run, so a fixed crash stays
/// fixed.
@Suite("Hardening: fuzz inputs replayed")
struct FuzzReplayTests {
    static let root = packageRoot + "/Fuzz"

    static func inputs(_ target: String) async throws -> [[UInt8]] {
        var inputs: [[UInt8]] = []
        for folder in ["Corpus", "Regressions"] {
            let listing = try await execute("/bin/ls", ["-1", "\(root)/\(folder)/\(target)"]).output
            for name in listing.split(separator: "\n") {
                inputs.append(try #require(contents(of: "\(root)/\(folder)/\(target)/\(name)")))
            }
        }
        return inputs
    }

    @Test("each target takes its kept inputs without a crash",
          arguments: ["responses", "http_parser", "ac_call", "username", "json_decoder", "ac_open", "store_file",
                      "app_transport"])
    func replay(target: String) async throws {
        let entry: @Sendable (UnsafePointer<UInt8>?, Int) -> Int32 = switch target {
        case "responses": fuzzResponses
        case "http_parser": fuzzHTTPParser
        case "ac_call": fuzzACCall
        case "json_decoder": fuzzJSONDecoder
        case "ac_open": fuzzACOpen
        case "store_file": fuzzStoreFile
        case "app_transport": fuzzAppTransport
        default: fuzzUsername
        }
        let inputs = try await Self.inputs(target)
        #expect(!inputs.isEmpty, "no inputs for \(target)")
        // On a thread of its own: a target waits for threads of its own
        // (app_transport's calls and answers), whose calls into the core
        // need the cooperative pool this test would otherwise hold.
        let results = try await onThreadOfItsOwn {
            (inputs + [[], [0], Array(repeating: 0xFF, count: 64)]).map { input in
                input.withUnsafeBufferPointer { entry($0.baseAddress, $0.count) }
            }
        }
        #expect(results.allSatisfy { $0 == 0 }, "\(results)")
    }
}
