
/// Every text a person is shown, in their language, with numbers, plurals,
/// dates and deadlines formatted without ICU.
///
/// The tables come from `Localization/*.json`, compiled into the core at
/// build time. The message shown for an error is always ours; what the
/// server said stays in `AccountError.detail`.
public struct Localizer: Sendable {
    /// The language of the texts.
    public let language: Language
    /// What gives the offset dates are shown in: each date is shown with the
    /// offset in force at that instant, so a deadline after a
    /// daylight-saving change shows its own.
    public let zone: any OffsetZone

    /// Creates a localizer showing dates at one fixed offset.
    public init(language: Language, offset: UTCOffset = .utc) {
        self.init(language: language, zone: offset)
    }

    /// Creates a localizer showing dates in `zone`.
    public init(language: Language, zone: any OffsetZone) {
        self.language = language
        self.zone = zone
    }

    // MARK: Texts

    /// The text of `key`, its `{name}` placeholders filled from `arguments`;
    /// `count` chooses the plural form and fills `{count}`.
    /// Why an operation made in `environment` is held in the other: never
    /// sent there, kept until sent from its own or discarded.
    package func heldReason(madeIn environment: ServerEnvironment) -> String {
        text(environment == .development ? .outboxHeldFromDevelopment : .outboxHeldFromProduction)
    }

    package func text(_ key: TextKey, _ arguments: [String: String] = [:], count: Int? = nil) -> String {
        guard let entry = TextTables.entry(key, language: language.rawValue) ?? TextTables.entry(key, language: "en") else {
            return key.rawValue
        }
        let template: String = switch entry {
        case .text(let text): text
        case .plural(let one, let other): count == 1 ? one : other
        }
        var values = arguments
        if let count { values["count"] = number(count) }
        return Self.fill(template, with: values)
    }

    /// `template` with each `{name}` replaced by `values[name]` (left as is
    /// when there is none): also for the shell's own tables.
    package static func fill(_ template: String, with values: [String: String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"),
              let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    // MARK: Numbers

    /// `1,234` in English, `1.234` in Turkish.
    public func number(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += language == .turkish ? "." : "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "28 days left" / "28 gün kaldı".
    public func daysLeft(_ days: Int) -> String {
        text(.countdownDaysLeft, count: days)
    }

    // MARK: Dates

    /// The local calendar date and time of `date`, at the offset in force then.
    private func local(_ date: Instant) -> (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, dayNumber: Int64) {
        let milliseconds = date.millisecondsSince1970 + Int64(zone.offset(at: date).minutes) * 60_000
        let (dayNumber, millisecondOfDay) = ISO8601.floorDivision(milliseconds, millisecondsPerDay)
        let (year, month, day) = ISO8601.civilDate(fromDaysSince1970: dayNumber)
        let minuteOfDay = millisecondOfDay / 60_000
        return (year, month, day, minuteOfDay / 60, minuteOfDay % 60, dayNumber)
    }

    /// "May 1, 2026" / "1 Mayıs 2026", in `zone`.
    public func date(_ date: Instant) -> String {
        let parts = local(date)
        return text(.formatDate, ["day": String(parts.day), "month": monthName(parts.month), "year": String(parts.year)])
    }

    /// "May 1, 2026, 3:00 PM (UTC+03:00)" / "1 Mayıs 2026 15:00 (UTC+03:00)".
    public func dateTime(_ date: Instant) -> String {
        let parts = local(date)
        let minute = parts.minute < 10 ? "0\(parts.minute)" : "\(parts.minute)"
        let time: String = switch language {
        case .english:
            "\(parts.hour % 12 == 0 ? 12 : parts.hour % 12):\(minute) \(parts.hour < 12 ? "AM" : "PM")"
        case .turkish:
            "\(parts.hour < 10 ? "0" : "")\(parts.hour):\(minute)"
        }
        return text(.formatDateTime, ["date": self.date(date), "time": time, "offset": zone.offset(at: date).description])
    }

    /// "today", "tomorrow", "in 28 days", "yesterday", "3 days ago", counted
    /// in calendar days of `zone`, not in 24-hour spans.
    public func relativeDay(_ date: Instant, from now: Instant) -> String {
        let days = Int(local(date).dayNumber - local(now).dayNumber)
        return switch days {
        case 0: text(.relativeToday)
        case 1: text(.relativeTomorrow)
        case -1: text(.relativeYesterday)
        case 2...: text(.relativeInDays, count: days)
        default: text(.relativeDaysAgo, count: -days)
        }
    }

    private func monthName(_ month: Int64) -> String {
        let keys: [TextKey] = [.month1, .month2, .month3, .month4, .month5, .month6,
                               .month7, .month8, .month9, .month10, .month11, .month12]
        return keys.indices.contains(Int(month) - 1) ? text(keys[Int(month) - 1]) : String(month)
    }

    // MARK: Errors

    /// The message shown for `error`: always ours, in this language. With
    /// `operation`, a 404 on a cancel says there was nothing to cancel.
    public func message(for error: AccountError, operation: OperationKind? = nil) -> String {
        switch error.reason {
        case .invalidInput(let problem): message(for: problem)
        case .unauthorized: text(.errorUnauthorized)
        case .forbidden: text(.errorForbidden)
        case .notFound: text(operation == .cancelDeletion ? .errorNotFoundCancel : .errorNotFound)
        case .conflict: text(.errorConflict)
        case .rateLimited(let seconds): seconds.map { text(.errorRateLimitedRetryAfter, count: $0) } ?? text(.errorRateLimited)
        case .server(let status): text(.errorServer, ["status": String(status)])
        case .network: error == .offlineNotQueued ? text(.errorNetworkNotQueued) : text(.errorNetwork)
        case .unexpectedResponse(let status, _): text(.errorUnexpectedResponse, ["status": String(status)])
        case .storage(let problem): message(for: problem)
        case .unsupported: text(.errorUnsupported)
        case .accountMismatch: text(.errorAccountMismatch)
        case .internal: text(.errorInternal)
        }
    }

    /// Why queued operations were not sent: "The server could not be
    /// reached. Check your connection. Next try in 8 s." A next try within
    /// the hour reads as relative time; a later one as its date and time.
    public func message(for holdup: SyncHoldup, now: Instant) -> String {
        switch holdup {
        case .paused(.offline): text(.syncPausedOffline)
        case .paused(.authenticationRequired): text(.syncPausedAuthentication)
        case .paused(.accountMismatch): text(.syncPausedAccountMismatch)
        case .anotherDrain: text(.syncAnotherDrain)
        case .retry(let at, let error):
            (error.map { message(for: $0) + " " } ?? "") + nextTry(at, from: now)
        }
    }

    /// "Next try in 8 s." within the hour (seconds rounded up, never 0),
    /// else "Next try: May 1, 2026, 3:05 PM (UTC)."
    private func nextTry(_ at: Instant, from now: Instant) -> String {
        let milliseconds = max(0, at.millisecondsSince1970 - now.millisecondsSince1970)
        guard milliseconds < 3_600_000 else { return text(.syncRetryAt, ["date": dateTime(at)]) }
        let seconds = Int(max(1, (milliseconds + 999) / 1_000))
        let relative = seconds < 60 ? text(.relativeInSeconds, count: seconds)
                                    : text(.relativeInMinutes, count: (seconds + 59) / 60)
        return text(.syncRetryIn, ["relative": relative])
    }

    private func message(for problem: InputProblem) -> String {
        switch problem {
        case .username(let problem):
            switch problem {
            case .tooShort: text(.inputUsernameTooShort, count: Username.minimumLength)
            case .tooLong: text(.inputUsernameTooLong, count: Username.maximumLength)
            case .mustStartWithLetter: text(.inputUsernameMustStartWithLetter)
            case .invalidCharacter(let character): text(.inputUsernameInvalidCharacter, ["character": String(character)])
            case .consecutiveDots: text(.inputUsernameConsecutiveDots)
            case .endsWithDot: text(.inputUsernameEndsWithDot)
            case .unchanged: text(.inputUsernameUnchanged)
            }
        case .confirmationMismatch: text(.inputConfirmationMismatch)
        case .daysOutOfRange(_, let allowed):
            text(.inputDaysOutOfRange, ["minimum": number(allowed.lowerBound), "maximum": number(allowed.upperBound)])
        case .reasonTooLong(_, let maximum): text(.inputReasonTooLong, count: maximum)
        case .usernameCooldown(let until): text(.inputUsernameCooldown, ["date": dateTime(until)])
        case .rejectedByServer(let status): text(.inputRejectedByServer, ["status": String(status)])
        // The one setting whose form a sentence can say: a key from the
        // Keychain or Keystore, encoded by the app.
        case .invalidConfiguration("fingerprintKey"): text(.inputInvalidFingerprintKey)
        case .invalidConfiguration("environment"): text(.inputInvalidEnvironment)
        case .invalidConfiguration(let field): text(.inputInvalidConfiguration, ["field": field])
        case .invalidArgument(let name): text(.inputInvalidArgument, ["argument": name])
        case .credentialsRequired: text(.inputCredentialsRequired)
        case .transportRequired: text(.inputTransportRequired)
        case .invalidToken: text(.inputInvalidToken)
        case .insecureBaseURL: text(.inputInsecureBaseURL)
        }
    }

    private func message(for problem: StorageProblem) -> String {
        switch problem {
        case .notADatabase: text(.storageNotADatabase)
        case .damaged: text(.storageDamaged)
        case .newerSchema(let found, let supported):
            text(.storageNewerSchema, ["found": String(found), "supported": String(supported)])
        case .directoryMissing: text(.storageDirectoryMissing)
        case .readOnly: text(.storageReadOnly)
        case .cannotOpen: text(.storageCannotOpen)
        case .full: text(.storageFull)
        case .busy: text(.storageBusy)
        case .ioFailure: text(.storageIoFailure)
        case .unreadableRecord: text(.storageUnreadableRecord)
        case .fileRemoved: text(.storageFileRemoved)
        case .journalLost: text(.storageJournalLost)
        case .foreignSchema(let type, let name): text(.storageForeignSchema, ["type": type, "name": name])
        }
    }
}
