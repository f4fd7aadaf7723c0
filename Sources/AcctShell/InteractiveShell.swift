import AccountCore
import AccountSession

/// `acct shell`: the same commands without the `acct` prefix, `online`
/// and `offline`, `help`, `history` and `!N`, and `exit` or Ctrl-D to
/// leave. On a terminal, lines are edited (`LineEditor`) with a history
/// kept across sessions (`History`) and Tab completion; elsewhere lines
/// are read as they come. What is queued keeps syncing in the background,
/// and events are printed as they happen, above the line being typed.
struct InteractiveShell {
    let session: Session
    let console: Console
    let localizer: Localizer
    /// The history file; nil keeps none.
    let historyPath: String?
    /// The server's name when it is production: the prompt says so.
    var productionServer: String? = nil

    func run() async -> ExitStatus {
        let editor = console.inputIsTerminal && console.outputIsTerminal
            ? LineEditor(console: console, localizer: localizer) : nil
        let say: @Sendable (ConsoleText) -> Void = { text in
            if let editor { editor.printAbove(text) } else { console.line(text) }
        }
        let printer = printEvents(say)
        defer { printer.cancel() }
        for line in Self.intro(localizer) { console.line(line) }
        var history = History(path: editor == nil ? nil : historyPath)
        var warnedAboutHistory = false
        // Against production the prompt names it (red on a colour terminal).
        let prompt = productionServer.map { "acct [" + console.styled("production", .red) + " " + $0 + "]> " } ?? "acct> "
        var last = ExitStatus.done
        while true {
            var line: String
            if let editor {
                switch await editor.readLine(prompt: prompt, history: history.entries) {
                case .line(let text): line = text
                case .interrupted: continue
                case .endOfInput:
                    console.line("")
                    return last
                }
            } else {
                console.raw(prompt)
                guard let text = console.readLine() else {
                    console.line("")
                    return last
                }
                line = text
            }
            // Blanks around a line are no part of it: Tab's space after
            // `history` or a space typed before `status` change nothing.
            line = Self.trimmingBlanks(line)
            if line.hasPrefix("!"), let number = Int(line.dropFirst()), history.entries.indices.contains(number - 1) {
                line = history.entries[number - 1]
                console.line(line)
            }
            if line.isEmpty { continue }
            if !history.add(line), !warnedAboutHistory, let historyPath {
                console.error(localizer.text(.historyNotKept, ["path": historyPath]))
                warnedAboutHistory = true
            }
            switch line {
            case "exit", "quit":
                return last
            case "history":
                for (index, entry) in history.entries.enumerated() { console.line("\(index + 1)  \(entry)") }
                continue
            case "online":
                do { try session.setOnline(true) } catch { console.error(String(describing: error)) }
                console.line(localizer.text(.eventOnline))
                continue
            case "offline":
                do { try session.setOnline(false) } catch { console.error(String(describing: error)) }
                console.line(localizer.text(.eventOffline))
                continue
            default:
                break
            }
            do {
                let invocation = try Invocation.parse(CommandWords.split(line))
                if let topic = Help.topic(of: invocation) {
                    console.line(try Help.text(for: topic, localizer))
                    if topic.isEmpty { for line in Self.intro(localizer) { console.line(line) } }
                    continue
                }
                let command = try Command(invocation)
                guard command.call != nil else { throw UsageError.unknownCommand(line) }
                var settings = try Settings(invocation, environment: [:])
                try settings.readTokenFromInput(localizer)
                settings.json = invocation.json
                settings.serverName = productionServer ?? settings.serverName
                let runner = Runner(settings: settings, console: console, localizer: localizer)
                if let token = settings.token {
                    // A token typed at the prompt is the session's from now
                    // on, through the core's check: one that is no bearer
                    // token is refused and never used.
                    do {
                        try session.setToken(token)
                    } catch {
                        runner.report(error)
                        last = ExitStatus(CallStatus(error))
                        continue
                    }
                }
                last = await runner.execute(command, in: session)
            } catch let error as UsageError {
                console.error(Help.message(for: error, localizer))
                last = .usage
            } catch {
                console.error(String(describing: error))
                last = .refused
            }
        }
    }

    /// What the prompt says first (and after `help`): its own words and
    /// keys, wrapped to 80 columns.
    static func intro(_ localizer: Localizer) -> [String] {
        TextLayout.wrap(localizer.text(.helpShellHelp))
    }

    /// `line` without the spaces and tabs before and after it.
    static func trimmingBlanks(_ line: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(line.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }

    /// Prints the engine's events as they come, through `say`.
    private func printEvents(_ say: @escaping @Sendable (ConsoleText) -> Void) -> Task<Void, Never> {
        let output = HumanOutput(localizer: localizer, console: console, now: session.now)
        let events = session.events
        return Task { [console, localizer] in
            for await event in events {
                switch event {
                case .operationSynced(let operation):
                    say(console.styled(localizer.text(.eventSynced, ["kind": output.kindName(operation.kind)]), .green))
                case .operationFailed(let operation, let error):
                    say(console.styled(localizer.text(.eventFailed, [
                        "kind": output.kindName(operation.kind),
                        "reason": localizer.message(for: error, operation: operation.kind)]), .red))
                case .syncPaused(.authenticationRequired):
                    say(ConsoleText(localizer.text(.syncPausedAuthentication)))
                case .syncPaused(.accountMismatch):
                    say(ConsoleText(localizer.text(.syncPausedAccountMismatch)))
                case .deadlineApproaching(let operation):
                    if let deadline = operation.deadline {
                        say(ConsoleText(localizer.text(.queuedCancel, ["date": localizer.dateTime(deadline)])))
                    }
                default:
                    break
                }
            }
        }
    }
}
