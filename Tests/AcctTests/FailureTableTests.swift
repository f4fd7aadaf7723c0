@testable import AccountCore
import AccountSession
@testable import AcctShell
import Testing

/// One error of each code, for walking the table.
private func error(of code: AccountError.Code) -> AccountError {
    let reason: AccountError.Reason = switch code {
    case .invalidInput: .invalidInput(.confirmationMismatch)
    case .unauthorized: .unauthorized
    case .forbidden: .forbidden
    case .notFound: .notFound
    case .conflict: .conflict
    case .rateLimited: .rateLimited(retryAfter: 2)
    case .server: .server(status: 503)
    case .network: .network
    case .unexpectedResponse: .unexpectedResponse(status: 200, bodyPrefix: "<html>")
    case .storage: .storage(.full)
    case .unsupported: .unsupported
    case .accountMismatch: .accountMismatch
    case .internal: .internal
    }
    return AccountError(reason)
}

/// What each code means to each reader, written out here from the header
/// (`AC_ERR_*`), acct's help (exit statuses) and the engine's design (retry
/// classes), so a row changed by mistake in any one table fails.
private let expected: [AccountError.Code: (status: Int32, name: String, exit: Int32, retry: RetryClass)] = [
    .invalidInput: (2, "AC_ERR_ARGUMENT", 1, .setAside),
    .network: (3, "AC_ERR_NETWORK", 4, .retry),
    .unauthorized: (4, "AC_ERR_UNAUTHORIZED", 5, .waitForToken),
    .accountMismatch: (4, "AC_ERR_UNAUTHORIZED", 5, .waitForOwner),
    .forbidden: (5, "AC_ERR_FORBIDDEN", 1, .setAside),
    .notFound: (6, "AC_ERR_NOT_FOUND", 1, .setAside),
    .conflict: (7, "AC_ERR_CONFLICT", 1, .setAside),
    .rateLimited: (8, "AC_ERR_RATE_LIMITED", 4, .retry),
    .server: (9, "AC_ERR_SERVER", 4, .retry),
    .unexpectedResponse: (10, "AC_ERR_UNEXPECTED_RESPONSE", 4, .setAside),
    .storage: (11, "AC_ERR_STORAGE", 6, .stop),
    .unsupported: (12, "AC_ERR_UNSUPPORTED", 1, .setAside),
    .internal: (13, "AC_ERR_INTERNAL", 1, .stop),
]

@Suite("One table of failures per reader")
struct FailureTableTests {
    @Test("every code goes to its C status and name (the session), acct's exit status (acct) and its retry class (the core)",
          arguments: AccountError.Code.allCases)
    func everyCode(code: AccountError.Code) throws {
        let failure = error(of: code)
        #expect(failure.code == code)
        let row = try #require(expected[code])
        let status = CallStatus(failure)
        #expect(status.rawValue == row.status)
        #expect(status.name == row.name)
        #expect(status != .ok && status != .queued)
        #expect(ExitStatus(status).rawValue == row.exit)
        #expect(failure.retry == row.retry)
        #expect(code.retry == row.retry)
        // Its message is ours, in each language, never the raw code.
        for language in Language.allCases {
            let message = Localizer(language: language).message(for: failure)
            #expect(!message.isEmpty && message != code.rawValue)
        }
    }

    @Test("every AC_ status has its own name, as the header spells it, and every AC_ERR_ status has a code")
    func statusesAgree() {
        let names = CallStatus.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("AC_") })
        let errorStatuses = CallStatus.allCases.filter { $0 != .ok && $0 != .queued }
        #expect(Set(errorStatuses) == Set(AccountError.Code.allCases.map { CallStatus(error(of: $0)) }))
        #expect(ExitStatus(.ok) == .done && ExitStatus(.queued) == .queued)
    }

    @Test("an unreadable 5xx is retried; an unreadable 2xx is set aside")
    func unreadableByStatus() {
        #expect(AccountError(.unexpectedResponse(status: 502, bodyPrefix: "")).retry == .retry)
        #expect(AccountError(.unexpectedResponse(status: 200, bodyPrefix: "")).retry == .setAside)
    }

    @Test("a failure nobody expected is internal (AC_ERR_INTERNAL), not a storage error")
    func unexpectedIsInternal() {
        struct Surprise: Error {}
        let mapped = AccountError(mapping: Surprise())
        #expect(mapped.code == .internal)
        #expect(CallStatus(mapped) == .internal)
    }
}
