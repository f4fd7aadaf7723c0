import AccountCore
import AccountSession
import FoundationEssentials

/// What a person reads: each operation's JSON object turned into sentences
/// in their language, dates in their offset. It reads the very objects that
/// `--json` prints, so the two never tell different stories.
struct HumanOutput {
    let localizer: Localizer
    let console: Console
    let now: Date
    /// Whether outbox lines name each operation's owner (`outbox --all`).
    var showsOwners = false

    /// The lines for the answer to `call` (nil: a failure before any call).
    func lines(for call: Call?, status: CallStatus, json: JSONValue) -> [String] {
        if let error = json["error"] {
            var lines = [console.styled(error["message"]?.stringValue ?? "", .red)]
            if status == .unauthorized { lines.append(localizer.text(.nextSignIn)) }
            return lines
        }
        guard let call else { return [] }
        switch call {
        case .status:
            var lines = deletion(json["deletion"], queued: json["queued"]?.arrayValue ?? [])
            if json["source"] == "cache", json["deletion"]?["status"] != "none" || !(json["queued"]?.arrayValue ?? []).isEmpty {
                lines.append(console.styled(localizer.text(.statusFromCache, ["date": when(json["asOf"])]), .dim))
            }
            return lines
        case .requestDeletion, .cancelDeletion:
            if json["coalesced"] == true { return [localizer.text(.queuedCoalesced)] + deletion(json["deletion"], queued: []) }
            if let queued = json["queued"] {
                let isRequest = if case .requestDeletion = call { true } else { false }
                return [queuedLine(queued)] + (isRequest ? deletion(json["deletion"], queued: [queued]) : [])
            }
            return deletion(json["deletion"], queued: [])
        case .finalizeDeletion:
            return [console.styled(localizer.text(.statusFinalized), .bold)]
        case .erase:
            return [localizer.text(.eraseDone, ["date": when(json["erasure"]?["scheduledFor"])])]
                + erasureDetails(json["erasure"]?["details"]) + [localizer.text(.warningErase)]
        case .changeUsername:
            if let queued = json["queued"] { return [queuedLine(queued)] }
            if json["coalesced"] == true { return [localizer.text(.queuedOperation)] }
            return [localizer.text(.renameDone, ["name": json["username"]?["newUsername"]?.stringValue ?? ""])]
        case .profile:
            let profile = json["profile"] ?? .null
            var lines: [String] = []
            if let name = profile["username"]?.stringValue { lines.append(localizer.text(.profileUsername, ["value": name])) }
            if let name = profile["displayName"]?.stringValue, !name.isEmpty { lines.append(localizer.text(.profileName, ["value": name])) }
            if let email = profile["email"]?.stringValue { lines.append(localizer.text(.profileEmail, ["value": email])) }
            if let next = profile["nextUsernameChangeAllowedAt"]?.instantValue, next > now {
                lines.append(localizer.text(.profileNextRename, ["date": localizer.dateTime(next)]))
            }
            return lines
        case .stats:
            let stats = json["stats"] ?? .null
            return [localizer.text(.statsLine, ["followers": count(stats["followersCount"]),
                                                "following": count(stats["followingCount"]),
                                                "streams": count(stats["liveStreamCount"])])]
        case .capabilities:
            let capabilities = json["capabilities"]?.objectValue ?? [:]
            return capabilities.keys.sorted().map { name in
                let value: String = switch capabilities[name] {
                case .bool(let flag)?: localizer.text(flag ? .capabilitiesYes : .capabilitiesNo)
                case .string(let text)?: text
                case .integer(let number)?: localizer.number(Int(number))
                case .object(let range)?: "\(count(range["minimum"]))–\(count(range["maximum"]))"
                default: "–"
                }
                return localizer.text(.capabilitiesLine, ["name": name, "value": value])
            }
        case .sync:
            let sent = Int(json["sent"]?.integerValue ?? 0)
            let remaining = Int(json["remaining"]?.integerValue ?? 0)
            guard remaining > 0 else { return [localizer.text(.syncDone, count: sent)] }
            return [localizer.text(.syncDone, count: sent),
                    console.styled(localizer.text(.syncRemaining, count: remaining), .yellow),
                    json["waiting"]?["message"]?.stringValue].compactMap { $0 }
        case .outbox:
            let operations = json["queued"]?.arrayValue ?? []
            guard !operations.isEmpty else { return [localizer.text(.outboxEmpty)] }
            return operations.flatMap(outboxLines)
        case .signOut:
            let signedOut = json["signedOut"] ?? .null
            guard signedOut["account"]?.stringValue != nil || !(signedOut["unsent"]?.arrayValue ?? []).isEmpty else {
                return [localizer.text(.signoutNobody)]
            }
            let unsent = signedOut["unsent"]?.arrayValue ?? []
            guard !unsent.isEmpty else { return [localizer.text(.signoutDone)] }
            return [localizer.text(.signoutDone), console.styled(localizer.text(.signoutUnsent, count: unsent.count), .yellow)]
                + unsent.flatMap(outboxLines)
                + [signedOut["discarded"] == true ? localizer.text(.signoutDiscarded, count: unsent.count)
                                                  : localizer.text(.signoutKept)]
        }
    }

    /// The status of a deletion: what will happen, when, what to do.
    func deletion(_ deletion: JSONValue?, queued: [JSONValue]) -> [String] {
        guard let deletion else { return [] }
        switch deletion["status"]?.stringValue {
        case "pending":
            var lines = [console.styled(localizer.text(.statusPending, ["date": when(deletion["scheduledFor"])]), .yellow)]
            var details: [String] = []
            if let days = deletion["remainingDays"]?.integerValue { details.append(localizer.daysLeft(Int(days))) }
            if deletion["isLocked"] == true { details.append(localizer.text(.statusLocked)) }
            if !details.isEmpty { lines.append(details.joined(separator: " · ")) }
            if deletion["wipe"] == true { lines.append(localizer.text(.statusWipe)) }
            let cancelQueued = queued.contains { $0["kind"] == "cancelDeletion" }
            if deletion["cancellation"] == "notCancellable" {
                lines.append(localizer.text(.statusNotCancellable))
            } else if let until = deletion["canCancelUntil"]?.instantValue, !cancelQueued {
                lines.append(localizer.text(.deadlineCancelBy, ["date": localizer.dateTime(until),
                                                                "relative": localizer.relativeDay(until, from: now)]))
                lines.append(localizer.text(.nextCancel))
            }
            for operation in queued where operation["kind"] == "cancelDeletion" { lines.append(queuedLine(operation)) }
            return lines
        case "cancelled":
            return [console.styled(localizer.text(.statusCancelled), .green)]
        case "finalized":
            return [console.styled(localizer.text(.statusFinalized), .bold)]
        default:
            return [localizer.text(.statusNone)] + queued.map(queuedLine)
        }
    }

    /// "Saved; it will be sent…", with the deadline of a cancel.
    func queuedLine(_ operation: JSONValue) -> String {
        if operation["kind"] == "cancelDeletion", let deadline = operation["deadline"]?.instantValue {
            return console.styled(localizer.text(.queuedCancel, ["date": localizer.dateTime(deadline)]), .yellow)
        }
        return localizer.text(.queuedOperation)
    }

    /// Each thing an erasure did, in words; nothing for what the server did
    /// not report.
    private func erasureDetails(_ details: JSONValue?) -> [String] {
        let sentences: [(String, AccountCore.TextKey, AccountCore.TextKey)] = [
            ("dataAnonymized", .eraseDataAnonymizedYes, .eraseDataAnonymizedNo),
            ("apiKeysDeactivated", .eraseApiKeysDeactivatedYes, .eraseApiKeysDeactivatedNo),
            ("sessionsDeleted", .eraseSessionsDeletedYes, .eraseSessionsDeletedNo),
            ("accountDisabled", .eraseAccountDisabledYes, .eraseAccountDisabledNo),
        ]
        return sentences.compactMap { name, yes, no in
            details?[name]?.boolValue.map { localizer.text($0 ? yes : no) }
        }
    }

    private func outboxLines(_ operation: JSONValue) -> [String] {
        let deadline = operation["deadline"]?.instantValue.map {
            localizer.text(.outboxDeadline, ["date": localizer.dateTime($0)])
        } ?? ""
        var lines = [localizer.text(.outboxLine, ["kind": kindName(operation["kind"]?.stringValue),
                                                  "state": stateName(operation["state"]?.stringValue),
                                                  "date": when(operation["createdAt"]), "deadline": deadline])]
        if operation["state"] == "missed" {
            lines.append(localizer.text(.missedCancel, ["date": when(operation["deadline"])]))
        } else if operation["state"] == "failed", let error = operation["lastError"]?.stringValue {
            lines.append(localizer.text(.outboxError, ["error": error]))
        }
        if showsOwners {
            lines.append(operation["account"]?.stringValue.map { localizer.text(.outboxAccount, ["account": $0]) }
                         ?? localizer.text(operation["held"] == true ? .outboxAccountUnknown : .outboxAccountByToken))
        }
        return lines
    }

    /// A kind of operation, in words.
    func kindName(_ kind: String?) -> String {
        switch kind.flatMap(OperationKind.init(rawValue:)) {
        case .requestDeletion?: localizer.text(.kindRequestDeletion)
        case .cancelDeletion?: localizer.text(.kindCancelDeletion)
        case .finalizeDeletion?: localizer.text(.kindFinalizeDeletion)
        case .erase?: localizer.text(.kindErase)
        case .changeUsername?: localizer.text(.kindChangeUsername)
        case nil: kind ?? ""
        }
    }

    private func stateName(_ state: String?) -> String {
        switch state {
        case "queued": localizer.text(.stateQueued)
        case "sending": localizer.text(.stateSending)
        case "failed": localizer.text(.stateFailed)
        case "missed": localizer.text(.stateMissed)
        default: state ?? ""
        }
    }

    private func when(_ value: JSONValue?) -> String {
        value?.instantValue.map(localizer.dateTime) ?? "–"
    }

    private func count(_ value: JSONValue?) -> String {
        localizer.number(Int(value?.integerValue ?? 0))
    }
}
