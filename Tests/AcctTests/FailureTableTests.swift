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

@Suite("One table of failures")
struct FailureTableTests {
    @Test("every code goes through the table to its C status and name, acct's exit status and its retry class",
          arguments: AccountError.Code.allCases)
    func everyCode(code: AccountError.Code) {
        let failure = error(of: code)
        #expect(failure.code == code)
        let traits = code.traits
        let status = CallStatus(failure)
        #expect(status.rawValue == traits.status)
        #expect(status.name == traits.statusName)
        #expect(status != .ok && status != .queued)
        #expect(ExitStatus(status).rawValue == traits.exitStatus)
        #expect(failure.retry == traits.retry)
        let expected: FailureClass = switch traits.retry {
        case .retry: .transient(retryAfter: failure.retryAfter)
        case .setAside: .rejected
        case .waitForToken: .needsAuthentication
        case .waitForOwner: .held
        case .stop: .storage
        }
        #expect(FailureClass(failure) == expected)
        // Its message is ours, in each language, never the raw code.
        for language in Language.allCases {
            let message = Localizer(language: language).message(for: failure)
            #expect(!message.isEmpty && message != code.rawValue)
        }
    }

    @Test("codes that share a C status share acct's exit status; every AC_ERR_ status has a code")
    func statusesAgree() {
        let codes = AccountError.Code.allCases
        for code in codes {
            for other in codes where other.traits.status == code.traits.status {
                #expect(other.traits.exitStatus == code.traits.exitStatus, "\(code) and \(other)")
                #expect(other.traits.statusName == code.traits.statusName, "\(code) and \(other)")
            }
        }
        let errorStatuses = CallStatus.allCases.filter { $0 != .ok && $0 != .queued }
        #expect(Set(errorStatuses.map(\.rawValue)) == Set(codes.map(\.traits.status)))
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
