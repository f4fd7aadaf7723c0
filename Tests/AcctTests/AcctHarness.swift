import AccountCore
import FoundationEssentials
import Testing
import TestSupport

/// The built `acct`, run as a subprocess with a home of its own.
struct Acct {
    static var binary: String { buildDirectory + "/acct" }

    let home: TemporaryDirectory
    var environment: [String: String]

    init(language: String = "en_US.UTF-8") throws {
        home = try TemporaryDirectory()
        environment = ["HOME": home.path, "XDG_DATA_HOME": home.file("data"), "LANG": language,
                       "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    }

    var storePath: String { home.file("data/acct/store.sqlite") }

    /// Runs `acct arguments…`, feeding it `input`.
    func callAsFunction(_ arguments: String..., input: String = "") async throws -> ProcessResult {
        try await execute(Self.binary, arguments, input: Array(input.utf8), environment: environment)
    }

    /// Runs `acct --json arguments…` and reads its one JSON object.
    func json(_ arguments: String..., input: String = "") async throws -> (status: Int32, json: JSONValue?) {
        let result = try await execute(Self.binary, ["--json"] + arguments, input: Array(input.utf8), environment: environment)
        return (result.status, JSONValue(parsing: Array(result.output.utf8)))
    }
}

/// The lines of a program's output, without the last new line.
func lines(_ text: String) -> [String] {
    Array(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(text.hasSuffix("\n") ? 1 : 0))
}
