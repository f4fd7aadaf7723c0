@testable import AccountCore
import CSQLite
import SQLiteDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Error mapping")
struct ErrorMappingTests {
    @Test("rule violations become the codes a server would answer with")
    func ruleViolations() {
        let mapped = [DeletionRuleViolation.alreadyPending, .cancelDeadlinePassed, .nothingPending, .alreadyFinalized,
                      .notCancellable].map { AccountError(mapping: $0).reason }
        #expect(mapped == [.conflict, .conflict, .notFound, .notFound, .unsupported])
    }

    @Test("input problems become invalidInput with the problem kept")
    func inputProblems() {
        #expect(AccountError(mapping: UsernameProblem.endsWithDot).reason == .invalidInput(.username(.endsWithDot)))
        #expect(AccountError(mapping: InputProblem.confirmationMismatch).reason == .invalidInput(.confirmationMismatch))
    }

    @Test("SQLite result codes become storage problems, keeping SQLite's text as detail",
          arguments: [
            (SQLITE_NOTADB, Int32(0), StorageProblem.notADatabase),
            (SQLITE_CORRUPT, 0, .damaged),
            (SQLITE_IOERR | (2 << 8), 0, .damaged),
            (SQLITE_IOERR, 0, .ioFailure),
            (SQLITE_FULL, 0, .full),
            (SQLITE_BUSY, 0, .busy),
            (SQLITE_READONLY, 0, .readOnly),
            (SQLITE_CANTOPEN, 0, .cannotOpen),
            (SQLITE_CANTOPEN, EACCES, .readOnly),
            (SQLITE_CANTOPEN, ENOENT, .directoryMissing),
          ])
    func sqliteCodes(code: Int32, systemErrno: Int32, problem: StorageProblem) {
        let error = AccountError(mapping: SQLiteError(code: code, sql: "SELECT 1", systemErrno: systemErrno))
        #expect(error.reason == .storage(problem))
        #expect(error.detail?.contains("SELECT 1") == true)
    }

    @Test("a public error passes through unchanged")
    func passThrough() {
        let original = AccountError(.rateLimited(retryAfter: 3), detail: "slow down")
        #expect(AccountError(mapping: original) == original)
    }
}
