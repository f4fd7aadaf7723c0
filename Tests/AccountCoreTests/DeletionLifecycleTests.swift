import AccountCore
import FoundationEssentials
import Testing

/// 2026-05-01T12:00:00Z, the seeds' scheduledFor.
let scheduled = Instant(secondsSince1970: 1_777_636_800)

@Suite("Deletion lifecycle")
struct DeletionLifecycleTests {
    let pending = DeletionStatus(
        state: .pending, requestID: "r1",
        requestedAt: scheduled.adding(seconds: -28 * 86_400),
        scheduledFor: scheduled, canCancelUntil: scheduled, isLocked: true)

    @Test("remainingDays rounds up, and never goes below 0")
    func remainingDays() {
        #expect(pending.remainingDays(at: scheduled.adding(seconds: -28 * 86_400)) == 28)
        let almost28 = 27 * 86_400 + 23 * 3_600 + 59 * 60 + 59
        #expect(pending.remainingDays(at: scheduled.adding(seconds: -Double(almost28))) == 28)
        #expect(pending.remainingDays(at: scheduled.adding(seconds: -27 * 86_400)) == 27)
        #expect(pending.remainingDays(at: scheduled.adding(seconds: -0.001)) == 1)
        #expect(pending.remainingDays(at: scheduled) == 0)
        #expect(pending.remainingDays(at: scheduled.adding(seconds: 86_400 * 3)) == 0)
        #expect(DeletionStatus.none.remainingDays(at: scheduled) == nil)
    }

    @Test("remainingDays does not drift at fractional-second instants")
    func remainingDaysPrecision() {
        // Instants that are exact in milliseconds but not in binary floating point.
        let requested = Instant(secondsSince1970: 1_775_217_600.123)
        let status = try? DeletionStatus.none.requestingDeletion(
            id: "r", at: requested, terms: .init(graceDays: 28, cancellation: .api, locksAccount: true))
        #expect(status?.remainingDays(at: requested) == 28)
    }

    @Test("a cancel is allowed at canCancelUntil and refused 1 ms later")
    func cancelEdge() throws {
        #expect(pending.canCancel(at: scheduled))
        #expect(!pending.canCancel(at: scheduled.adding(seconds: 0.001)))
        let cancelled = try pending.cancelling(at: scheduled)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.isLocked == false)
        #expect(throws: DeletionRuleViolation.cancelDeadlinePassed) {
            try pending.cancelling(at: scheduled.adding(seconds: 0.001))
        }
    }

    @Test("request: none or cancelled → pending, with the terms' grace period and lock")
    func request() throws {
        let now = Instant(secondsSince1970: 1_775_217_600)
        let terms = DeletionTerms(graceDays: 28, cancellation: .api, locksAccount: true)
        let requested = try DeletionStatus.none.requestingDeletion(id: "r2", at: now, terms: terms)
        #expect(requested.state == .pending)
        #expect(requested.requestedAt == now)
        #expect(requested.scheduledFor == scheduled)
        #expect(requested.canCancelUntil == scheduled)
        #expect(requested.isLocked)
        #expect(requested.remainingDays(at: now) == 28)
        #expect(throws: DeletionRuleViolation.alreadyPending) {
            try requested.requestingDeletion(id: "r3", at: now, terms: terms)
        }
        let again = try requested.cancelling(at: now).requestingDeletion(id: "r4", at: now, terms: terms)
        #expect(again.state == .pending)
        #expect(again.requestID == "r4")
    }

    @Test("cancel and finalize need a pending deletion")
    func nothingPending() {
        #expect(throws: DeletionRuleViolation.nothingPending) { try DeletionStatus.none.cancelling(at: scheduled) }
        #expect(throws: DeletionRuleViolation.nothingPending) { try DeletionStatus.none.finalizing(at: scheduled) }
    }

    @Test("finalize: pending → finalized, and then nothing more")
    func finalize() throws {
        let now = scheduled.adding(seconds: -86_400)
        let finalized = try pending.finalizing(at: now)
        #expect(finalized.state == .finalized)
        #expect(finalized.finalizedAt == now)
        #expect(!finalized.canCancel(at: now))
        #expect(throws: DeletionRuleViolation.alreadyFinalized) { try finalized.cancelling(at: now) }
        #expect(throws: DeletionRuleViolation.alreadyFinalized) { try finalized.finalizing(at: now) }
        #expect(throws: DeletionRuleViolation.alreadyFinalized) {
            try finalized.requestingDeletion(id: nil, at: now, terms: .init(graceDays: 1, cancellation: .api, locksAccount: false))
        }
    }

    @Test("a pending deletion is finalized once its instant has passed, not at the instant")
    func advancing() {
        #expect(pending.advanced(to: scheduled).state == .pending)
        let done = pending.advanced(to: scheduled.adding(seconds: 0.001))
        #expect(done.state == .finalized)
        #expect(done.finalizedAt == scheduled)
    }

    @Test("an erasure (7 days) cannot be cancelled through the API")
    func erasure() throws {
        let now = Instant(secondsSince1970: 1_734_343_200) // 2024-12-16T10:00:00Z
        let erasure = try DeletionStatus.none.requestingDeletion(
            id: nil, at: now, terms: .init(graceDays: 7, cancellation: .notCancellable, locksAccount: true))
        #expect(erasure.scheduledFor == Instant(secondsSince1970: 1_734_948_000)) // 2024-12-23T10:00:00Z
        #expect(erasure.canCancelUntil == nil)
        #expect(!erasure.canCancel(at: now))
        #expect(throws: DeletionRuleViolation.notCancellable) { try erasure.cancelling(at: now) }
    }

    @Test("a scheduled deletion: days 1 to 365, wipe flag, cancelled by logging in")
    func scheduledDeletion() throws {
        #expect(throws: InputProblem.daysOutOfRange(0, allowed: 1...365)) { try ScheduledDeletion(days: 0) }
        #expect(throws: InputProblem.daysOutOfRange(366, allowed: 1...365)) { try ScheduledDeletion(days: 366) }
        #expect(try ScheduledDeletion(days: 1).days == 1)
        #expect(try ScheduledDeletion(days: 365, wipe: true).wipe)
        #expect(try ScheduledDeletion().days == 30)

        let now = Instant(secondsSince1970: 1_775_217_600)
        let plan = try ScheduledDeletion(days: 10, wipe: true)
        let status = try DeletionStatus.none.requestingDeletion(
            id: nil, at: now, terms: .init(graceDays: plan.days, cancellation: .login, locksAccount: false),
            wipesData: plan.wipe)
        #expect(status.wipesData)
        #expect(status.cancellation == .login)
        #expect(status.remainingDays(at: now) == 10)
        #expect(status.canCancel(at: now))
    }
}

@Suite("Erasure confirmation")
struct ErasureConfirmationTests {
    @Test("only the exact phrase is accepted",
          arguments: ["DELETE_MY_ACCOUNT"])
    func exact(phrase: String) {
        #expect(ErasureConfirmation.accepts(phrase))
    }

    @Test("near misses are refused",
          arguments: ["delete_my_account", " DELETE_MY_ACCOUNT", "DELETE_MY_ACCOUNT ", "DELETE MY ACCOUNT",
                      "DELETE_MY_ACCOUNT\n", "", "DELETE_MY_ACCOUNTS", "bandwidth override", "DELETE_MY_ACCOUNT\u{200B}"])
    func nearMisses(typed: String) {
        #expect(!ErasureConfirmation.accepts(typed))
    }
}

@Suite("Clock skew")
struct ClockSkewTests {
    @Test("a server stamp seen at a local instant corrects later local instants")
    func correction() {
        let local = Instant(secondsSince1970: 1_000_000)
        let skew = ClockSkew(serverTime: local.adding(seconds: 600), observedAt: local)
        #expect(skew.offset == 600)
        let clock = ManualClock(local.adding(seconds: 60))
        let corrected = SkewCorrectedClock(base: clock, skew: skew)
        #expect(corrected.now() == local.adding(seconds: 660))
        clock.advance(by: 10)
        #expect(corrected.now() == local.adding(seconds: 670))
    }

    @Test("countdowns use the corrected now: a slow phone does not see a closed window as open")
    func countdownUsesServerTime() {
        let pending = DeletionStatus(state: .pending, scheduledFor: scheduled, canCancelUntil: scheduled, isLocked: true)
        let phone = ManualClock(scheduled.adding(seconds: -300)) // phone 10 minutes slow
        let server = SkewCorrectedClock(base: phone, skew: ClockSkew(offset: 600))
        #expect(pending.canCancel(at: phone.now()))
        #expect(!pending.canCancel(at: server.now()))
        #expect(pending.remainingDays(at: server.now()) == 0)
    }
}

@Suite("Public error")
struct AccountErrorTests {
    @Test("codes are stable strings")
    func stableCodes() {
        #expect(AccountError.Code.allCases.map(\.rawValue) == [
            "invalidInput", "unauthorized", "forbidden", "notFound", "conflict", "rateLimited",
            "server", "network", "unexpectedResponse", "storage", "unsupported", "accountMismatch", "internal",
        ])
        #expect(AccountError(.rateLimited(retryAfter: 2)).code == .rateLimited)
        #expect(AccountError(.rateLimited(retryAfter: 2)).httpStatus == 429)
        #expect(AccountError(.unexpectedResponse(status: 502, bodyPrefix: "<html>")).httpStatus == 502)
        #expect(AccountError(.storage(.damaged)).httpStatus == nil)
        #expect(AccountError(.invalidInput(.username(.endsWithDot))).code == .invalidInput)
    }
}
