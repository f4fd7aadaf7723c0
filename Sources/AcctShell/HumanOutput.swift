import AccountCore
import AccountSession
import FoundationEssentials

/// What a person reads: each call's typed answer turned into sentences in
/// their language, dates in their offset. It reads the very values that
/// `--json` encodes, so the two never tell different stories.
struct HumanOutput {
    let localizer: Localizer
    let console: Console
    let now: Instant
    /// The back end's name, for `capabilities`.
    var backendName = ""
    /// Whether outbox lines name each operation's owner (`outbox --all`).
    var showsOwners = false
    /// The session's environment: an operation made in the other is shown
    /// as held, with why.
    var environment: ServerEnvironment?

    /// The lines for a failure: what happened, and what to do about a 401.
    func lines(for error: AccountError, operation: OperationKind?) -> [ConsoleText] {
        var lines = [console.styled(localizer.message(for: error, operation: operation), .red)]
        if CallStatus(error) == .unauthorized { lines.append(ConsoleText(localizer.text(.nextSignIn))) }
        return lines
    }

    /// The lines for `result`, the answer to `call`.
    func lines(for result: CallResult, of call: Call) -> [ConsoleText] {
        switch result {
        case .status(let report):
            var lines = deletion(report.deletion, queued: report.queued)
            // The status lists what decides the deletion; the rest is counted.
            let more = report.counts.total - report.queued.count
            if more > 0 { lines.append(ConsoleText(localizer.text(.statusMoreInOutbox, count: more))) }
            if report.source == .cache, report.deletion.state != .none || !report.queued.isEmpty {
                lines.append(console.styled(localizer.text(.statusFromCache, ["date": localizer.dateTime(report.asOf)]), .dim))
            }
            return lines
        case .deletion(let status, _):
            return deletion(status, queued: [])
        case .queued(let operation, let status):
            // A request shows the deletion it will make; a cancel and a
            // rename only that they were saved.
            guard operation.kind == .requestDeletion, let status else { return [queuedLine(operation)] }
            return [queuedLine(operation)] + deletion(status, queued: [operation])
        case .coalesced(let status):
            guard let status else { return [ConsoleText(localizer.text(.queuedOperation))] }
            return [ConsoleText(localizer.text(.queuedCoalesced))] + deletion(status, queued: [])
        case .finalized:
            return [console.styled(localizer.text(.statusFinalized), .bold)]
        case .erased(let status, let details):
            // What it cannot undo was said before it was done (`erasurePlan`).
            return plain([localizer.text(.eraseDone, ["date": when(status.scheduledFor)])] + erasureDetails(details))
        case .renamed(let change):
            return [ConsoleText(localizer.text(.renameDone, ["name": change?.newUsername ?? ""]))]
        case .profile(let profile):
            var lines: [String] = []
            if let name = profile.username { lines.append(localizer.text(.profileUsername, ["value": name])) }
            if let name = profile.displayName, !name.isEmpty { lines.append(localizer.text(.profileName, ["value": name])) }
            if let email = profile.email { lines.append(localizer.text(.profileEmail, ["value": email])) }
            if let next = profile.nextUsernameChangeAllowedAt, next > now {
                lines.append(localizer.text(.profileNextRename, ["date": localizer.dateTime(next)]))
            }
            return plain(lines)
        case .stats(let stats):
            return [ConsoleText(localizer.text(.statsLine, ["followers": localizer.number(stats.followers),
                                                "following": localizer.number(stats.following),
                                                "streams": localizer.number(stats.liveStreams)]))]
        case .capabilities(let capabilities):
            return plain(capabilityLines(capabilities))
        case .synced(let report):
            guard report.remaining > 0 else { return [ConsoleText(localizer.text(.syncDone, count: report.sent))] }
            return [ConsoleText(localizer.text(.syncDone, count: report.sent)),
                    console.styled(localizer.text(.syncRemaining, count: report.remaining), .yellow),
                    report.holdup.map { ConsoleText(localizer.message(for: $0, now: now)) }].compactMap { $0 }
        case .outbox(let operations, let unreadable):
            guard !operations.isEmpty || !unreadable.isEmpty else { return [ConsoleText(localizer.text(.outboxEmpty))] }
            return plain(operations.flatMap(outboxLines) + unreadable.flatMap(outboxLines))
        case .signedOut(let signedOut, let discarded):
            let count = signedOut.unsent.count + signedOut.unreadable.count
            guard signedOut.account != nil || count > 0 else { return [ConsoleText(localizer.text(.signoutNobody))] }
            guard count > 0 else { return [ConsoleText(localizer.text(.signoutDone))] }
            let unsent: [String] = signedOut.unsent.flatMap(outboxLines) + signedOut.unreadable.flatMap(outboxLines)
            let fate = discarded ? localizer.text(.signoutDiscarded, count: count) : localizer.text(.signoutKept)
            return [ConsoleText(localizer.text(.signoutDone)), console.styled(localizer.text(.signoutUnsent, count: count), .yellow)]
                + plain(unsent + [fate])
        }
    }

    /// The status of a deletion: what will happen, when, what to do.
    func deletion(_ deletion: DeletionStatus, queued: [OutboxOperation]) -> [ConsoleText] {
        switch deletion.state {
        case .pending:
            var lines = [console.styled(localizer.text(.statusPending, ["date": when(deletion.scheduledFor)]), .yellow)]
            var details: [String] = []
            if let days = deletion.remainingDays(at: now) { details.append(localizer.daysLeft(days)) }
            if deletion.isLocked { details.append(localizer.text(.statusLocked)) }
            if !details.isEmpty { lines.append(ConsoleText(details.joined(separator: " · "))) }
            if deletion.wipesData { lines.append(ConsoleText(localizer.text(.statusWipe))) }
            let cancels = queued.filter { $0.kind == .cancelDeletion }
            if deletion.cancellation == .notCancellable {
                lines.append(ConsoleText(localizer.text(.statusNotCancellable)))
            } else if let until = deletion.canCancelUntil, cancels.isEmpty {
                lines.append(ConsoleText(localizer.text(.deadlineCancelBy, ["date": localizer.dateTime(until),
                                                                            "relative": localizer.relativeDay(until, from: now)])))
                lines.append(ConsoleText(localizer.text(.nextCancel)))
            }
            return lines + cancels.map(queuedLine)
        case .cancelled:
            return [console.styled(localizer.text(.statusCancelled), .green)]
        case .finalized:
            return [console.styled(localizer.text(.statusFinalized), .bold)]
        case .none:
            return [ConsoleText(localizer.text(.statusNone))] + queued.map(queuedLine)
        }
    }

    /// Lines with no style of ours.
    private func plain(_ lines: [String]) -> [ConsoleText] {
        lines.map { ConsoleText($0) }
    }

    /// "Saved; it will be sent…", with the deadline of a cancel.
    func queuedLine(_ operation: OutboxOperation) -> ConsoleText {
        if operation.kind == .cancelDeletion, let deadline = operation.deadline {
            return console.styled(localizer.text(.queuedCancel, ["date": localizer.dateTime(deadline)]), .yellow)
        }
        return ConsoleText(localizer.text(.queuedOperation))
    }

    /// What the back end can do, a sentence each, in the reader's language:
    /// "Cancelling a deletion: through the app, until the deadline".
    func capabilityLines(_ capabilities: BackendCapabilities) -> [String] {
        let notOffered = localizer.text(.capabilitiesNotOffered)
        func line(_ label: TextKey, _ value: String) -> String {
            localizer.text(.capabilitiesLine, ["label": localizer.text(label), "value": value])
        }
        func offered(_ flag: Bool, _ value: TextKey, count: Int? = nil) -> String {
            flag ? localizer.text(value, count: count) : notOffered
        }
        var deletion = notOffered
        if capabilities.requestDeletion {
            if let days = capabilities.customDays {
                deletion = localizer.text(.capabilitiesDeletionChosen, ["from": localizer.number(days.lowerBound),
                                                                         "to": localizer.number(days.upperBound)])
            } else if let days = capabilities.gracePeriodDays {
                deletion = localizer.text(.capabilitiesDeletionAfter, count: days)
            } else {
                deletion = localizer.text(.capabilitiesDeletionOnRequest)
            }
            if capabilities.locksAccount { deletion += localizer.text(.capabilitiesLocked) }
            if capabilities.wipe { deletion += localizer.text(.capabilitiesWipe) }
        }
        let cancel: TextKey = switch capabilities.cancellation {
        case .api: .capabilitiesCancelApi
        case .login: .capabilitiesCancelLogin
        case .notCancellable: .capabilitiesCancelNone
        }
        return [
            line(.capabilitiesBackend, backendName),
            line(.capabilitiesDeletionLabel, deletion),
            line(.capabilitiesCancelLabel, localizer.text(cancel)),
            line(.capabilitiesFinalizeLabel, offered(capabilities.finalizeNow, .capabilitiesFinalize)),
            line(.capabilitiesEraseLabel, offered(capabilities.erase, .capabilitiesErase)),
            line(.capabilitiesRenameLabel, offered(capabilities.rename, .capabilitiesRename, count: UsernameCooldown.days)),
            line(.capabilitiesStatusLabel,
                 localizer.text(capabilities.deletionStatus ? .capabilitiesStatusServer : .capabilitiesStatusDevice)),
            line(.capabilitiesProfileLabel, offered(capabilities.profile, .capabilitiesProfile)),
            line(.capabilitiesStatsLabel, offered(capabilities.stats, .capabilitiesStats)),
        ]
    }

    /// What an erasure will do, said before it is done.
    func erasurePlan(_ capabilities: BackendCapabilities) -> [String] {
        let plan = capabilities.gracePeriodDays.map { localizer.text(.erasePlan, count: $0) }
            ?? localizer.text(.erasePlanUndated)
        return [plan, localizer.text(.warningErase)]
    }

    /// Each thing an erasure did, in words; nothing for what the server did
    /// not report.
    private func erasureDetails(_ details: ErasureDetails?) -> [String] {
        let sentences: [(Bool?, AccountCore.TextKey, AccountCore.TextKey)] = [
            (details?.dataAnonymized, .eraseDataAnonymizedYes, .eraseDataAnonymizedNo),
            (details?.apiKeysDeactivated, .eraseApiKeysDeactivatedYes, .eraseApiKeysDeactivatedNo),
            (details?.sessionsDeleted, .eraseSessionsDeletedYes, .eraseSessionsDeletedNo),
            (details?.accountDisabled, .eraseAccountDisabledYes, .eraseAccountDisabledNo),
        ]
        return sentences.compactMap { done, yes, no in done.map { localizer.text($0 ? yes : no) } }
    }

    private func outboxLines(_ operation: OutboxOperation) -> [String] {
        let deadline = operation.deadline.map { localizer.text(.outboxDeadline, ["date": localizer.dateTime($0)]) } ?? ""
        var lines = [localizer.text(.outboxLine, ["kind": kindName(operation.kind), "state": stateName(operation.state),
                                                  "date": when(operation.createdAt), "deadline": deadline])]
        if operation.state == .missed {
            lines.append(localizer.text(.missedCancel, ["date": when(operation.deadline)]))
        } else if operation.state == .failed, let error = operation.lastError {
            lines.append(localizer.text(.outboxError, ["error": error]))
        }
        if let environment, operation.environment != environment {
            lines.append("  " + localizer.heldReason(madeIn: operation.environment))
        }
        if showsOwners {
            lines.append(operation.account.isHeld ? localizer.text(.outboxAccountUnknown)
                         : operation.account.userID.map { localizer.text(.outboxAccount, ["account": $0]) }
                         ?? localizer.text(.outboxAccountByToken))
        }
        return lines
    }

    /// A row this build cannot read: its kind as stored (in words when this
    /// build knows it), set aside, and its id, to name it to support.
    private func outboxLines(_ operation: UnreadableOperation) -> [String] {
        var lines = [localizer.text(.outboxLine, ["kind": OperationKind(rawValue: operation.kind).map(kindName) ?? operation.kind,
                                                  "state": localizer.text(.stateUnreadable),
                                                  "date": when(operation.createdAt), "deadline": ""]),
                     localizer.text(.outboxId, ["id": operation.id])]
        if showsOwners {
            lines.append(operation.account.isHeld ? localizer.text(.outboxAccountUnknown)
                         : operation.account.userID.map { localizer.text(.outboxAccount, ["account": $0]) }
                         ?? localizer.text(.outboxAccountByToken))
        }
        return lines
    }

    /// A kind of operation, in words.
    func kindName(_ kind: OperationKind) -> String {
        switch kind {
        case .requestDeletion: localizer.text(.kindRequestDeletion)
        case .cancelDeletion: localizer.text(.kindCancelDeletion)
        case .finalizeDeletion: localizer.text(.kindFinalizeDeletion)
        case .erase: localizer.text(.kindErase)
        case .changeUsername: localizer.text(.kindChangeUsername)
        }
    }

    private func stateName(_ state: OutboxOperation.State) -> String {
        switch state {
        case .queued: localizer.text(.stateQueued)
        case .sending: localizer.text(.stateSending)
        case .failed: localizer.text(.stateFailed)
        case .missed: localizer.text(.stateMissed)
        }
    }

    private func when(_ instant: Instant?) -> String {
        instant.map(localizer.dateTime) ?? "–"
    }
}
