import AccountCore
import AccountSession

/// `acct shell`: the same commands without the `acct` prefix, a history for
/// the session (`history`, `!N`), `online` and `offline`, `help`, and `exit`
/// or Ctrl-D to leave. What is queued keeps syncing in the background, and
/// events are printed as they happen.
struct InteractiveShell {
    let session: Session
    let console: Console
    let localizer: Localizer

    func run() async -> ExitStatus {
        let output = HumanOutput(localizer: localizer, console: console, now: session.client.now)
        let events = session.engine.events
        let printer = Task {
            for await event in events {
                switch event {
                case .operationSynced(let operation):
                    console.line(console.styled(localizer.text(.eventSynced, ["kind": output.kindName(operation.kind)]), .green))
                case .operationFailed(let operation, let error):
                    console.line(console.styled(localizer.text(.eventFailed, [
                        "kind": output.kindName(operation.kind),
                        "reason": localizer.message(for: error, operation: operation.kind)]), .red))
                case .syncPaused(.authenticationRequired):
                    console.line(localizer.text(.syncPausedAuthentication))
                case .syncPaused(.accountMismatch):
                    console.line(localizer.text(.syncPausedAccountMismatch))
                case .deadlineApproaching(let operation):
                    if let deadline = operation.deadline {
                        console.line(localizer.text(.queuedCancel, ["date": localizer.dateTime(deadline)]))
                    }
                default:
                    break
                }
            }
        }
        defer { printer.cancel() }
        console.line(localizer.text(.helpShellHelp))
        var history: [String] = []
        var last = ExitStatus.done
        while true {
            console.raw("acct> ")
            guard var line = console.readLine() else {
                console.line("")
                return last
            }
            line = String(line.drop { $0 == " " })
            if line.hasPrefix("!"), let number = Int(line.dropFirst()), history.indices.contains(number - 1) {
                line = history[number - 1]
                console.line(line)
            }
            if line.isEmpty { continue }
            history.append(line)
            switch line {
            case "exit", "quit":
                return last
            case "help":
                console.line(Help.text(localizer))
                console.line(localizer.text(.helpShellHelp))
                continue
            case "history":
                for (index, entry) in history.enumerated() { console.line("\(index + 1)  \(entry)") }
                continue
            case "online":
                session.engine.setOnline(true)
                console.line(localizer.text(.eventOnline))
                continue
            case "offline":
                session.engine.setOnline(false)
                console.line(localizer.text(.eventOffline))
                continue
            default:
                break
            }
            do {
                let invocation = try Invocation.parse(Self.words(line))
                let command = try Command(invocation)
                guard command != .shell, command.call != nil else { throw UsageError.unknownCommand(line) }
                var settings = try Settings(invocation, environment: [:])
                settings.json = invocation.json
                last = await Runner(settings: settings, console: console, localizer: localizer).execute(command, in: session)
            } catch let error as UsageError {
                console.error(Help.message(for: error, localizer))
                last = .usage
            } catch {
                console.error(String(describing: error))
                last = .refused
            }
        }
    }

    /// Splits a line into words; double or single quotes keep spaces.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
