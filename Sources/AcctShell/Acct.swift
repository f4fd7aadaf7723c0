import AccountCore
import AccountEmulator
import AccountSession
import FoundationEssentials
import Libc

/// `acct`, the terminal shell: what its `@main` runs, and what the tests
/// drive. Every command runs the same operation as the C interface's
/// `ac_call`, and `--json` prints the very same object.
package enum Acct {
    /// The version `--version` prints: the library's.
    package static let version = accountCoreVersion

    /// Runs one command line; returns the exit status.
    package static func run(arguments: [String], environment: [String: String]) async -> Int32 {
        let console = Console(environment: environment)
        var localizer = Localizer(language: Language.fromEnvironment(environment))
        if let language = environment["ACCT_LANG"].flatMap(Language.init(rawValue:)) {
            localizer = Localizer(language: language)
        }
        if arguments.first == CompletionScript.command {
            // The shells' scripts ask here on each Tab; never an error on their screen.
            let words = Array(arguments.dropFirst())
            guard let shell = words.first.flatMap(CompletionScript.Shell.init(rawValue:)) else {
                return ExitStatus.usage.rawValue
            }
            for line in CompletionScript.answer(shell: shell, words: Array(words.dropFirst()), localizer: localizer) {
                console.line(line)
            }
            return ExitStatus.done.rawValue
        }
        do {
            let invocation = try Invocation.parse(arguments)
            // `--lang` is the language of what Settings refuses, too (a token file).
            if let language = invocation.language.flatMap(Language.init(rawValue:)) {
                localizer = Localizer(language: language)
            }
            let settings = try Settings(invocation, environment: environment)
            localizer = Localizer(language: settings.language, zone: settings.zone)
            if invocation.version {
                console.line("acct \(version)")
                return ExitStatus.done.rawValue
            }
            if let topic = Help.topic(of: invocation) {
                console.line(try Help.text(for: topic, localizer))
                return ExitStatus.done.rawValue
            }
            if invocation.token != nil, console.inputIsTerminal || isatty(2) == 1 {
                // Said once, where a person reads it: the command line is
                // in /proc/PID/cmdline for every user of the machine.
                console.error(localizer.text(.warningTokenOnCommandLine))
            }
            let command: Command
            if invocation.words.isEmpty {
                guard console.inputIsTerminal else { throw UsageError.unknownCommand("") }
                command = .shell
            } else {
                command = try Command(invocation)
            }
            var resolved = settings
            try resolved.readTokenFromInput(localizer)
            return await Runner(settings: resolved, console: console, localizer: localizer).run(command).rawValue
        } catch let error as UsageError {
            console.error(Help.message(for: error, localizer))
            return ExitStatus.usage.rawValue
        } catch {
            console.error(String(describing: error))
            return ExitStatus.refused.rawValue
        }
    }
}

/// Runs one command against a session.
struct Runner {
    let settings: Settings
    let console: Console
    let localizer: Localizer

    func run(_ command: Command) async -> ExitStatus {
        if case .serve(let port) = command { return serve(port: port) }
        if command == .servers { return listServers() }
        if case .completion(let shell) = command {
            console.line(CompletionScript.script(for: shell))
            return .done
        }
        let session: Session
        let emulator: Emulator?
        do {
            (session, emulator) = try open(backgroundSync: command == .shell)
        } catch let error as AccountError {
            report(error)
            return ExitStatus(CallStatus(error))
        } catch {
            console.error(String(describing: error))
            return .unreachable
        }
        defer { emulator?.stop() }
        let production = session.configuration.environment == .production
        if production, !settings.json {
            // The first line names production, as the prompt does.
            // Its placeholders filled as console text: the style is ours, the name escaped.
            console.line(ConsoleText.filling(localizer.text(.productionLine), with: [
                "environment": console.styled("production", .red), "server": ConsoleText(settings.serverName)]))
        }
        let status = command == .shell
            ? await InteractiveShell(session: session, console: console, localizer: localizer,
                                     historyPath: settings.historyPath,
                                     productionServer: production ? settings.serverName : nil).run()
            : await execute(command, in: session)
        // The background sync stopped and the store closed before the
        // embedded emulator stops (the defer above) and acct exits.
        await session.close()
        return status
    }

    /// Opens the session: on `--server`, or on the embedded emulator, whose
    /// state is kept beside the store and whose demo user it signs in as.
    private func open(backgroundSync: Bool) throws -> (Session, Emulator?) {
        var baseURL = settings.server ?? "http://127.0.0.1:1"
        var token = settings.token
        var emulator: Emulator?
        var account = settings.account
        if settings.server == nil {
            // The embedded emulator's demo user: acct issues its token, so
            // it knows whose it is.
            if account == nil, token == nil {
                account = EmulatedBackend(rawValue: settings.backend.name).flatMap(Emulator.demoUserID(of:))
            }
            if !settings.offline {
                let started = try Emulator(configuration: .init(statePath: try emulatorStatePath()))
                baseURL = started.baseURL
                if token == nil, let backend = EmulatedBackend(rawValue: settings.backend.name) {
                    token = try started.issueToken(for: backend)
                }
                emulator = started
            }
        }
        // X-Timezone is the offset in force now (sent only if the server lists it).
        let offsetNow = settings.zone.offset(at: settings.clock.now())
        var client = ClientConfiguration(baseURL: baseURL, language: settings.language, timezone: offsetNow,
                                         platform: settings.platform, appVersion: settings.appVersion,
                                         deviceID: settings.deviceID, allowInsecureHTTP: settings.allowInsecureHTTP,
                                         // The embedded emulator is development; a URL by its host.
                                         environment: settings.server == nil ? .development : settings.serverEnvironment)
        client.totalTimeout = 30
        let session = try Session(configuration: SessionConfiguration(backend: settings.backend, client: client,
                                                                      databasePath: settings.databasePath,
                                                                      account: account),
                                  token: token, clock: settings.clock, online: !settings.offline,
                                  automaticSync: backgroundSync,
                                  createDirectory: true)
        return (session, emulator)
    }

    /// Runs `command` and prints its answer; returns the exit status.
    func execute(_ command: Command, in session: Session) async -> ExitStatus {
        guard var call = command.call else { return .usage }
        let canAsk = console.inputIsTerminal && !settings.json
        // The seeds' warning: what changes data on production is said
        // first, and sent only when confirmed (asked here, or `--yes`).
        let warnsProduction = session.configuration.environment == .production
            && call.kind.map(session.capabilities.offers) == true
        if warnsProduction {
            let warning = localizer.text(.productionWarning, ["server": settings.serverName])
            console.error(ConsoleText(warning))
            if !settings.yes {
                guard canAsk else {
                    console.error(Help.message(for: .confirmationNeeded(command: command.name), localizer))
                    return .usage
                }
                // Finalize and erase ask their own question below.
                if !command.asksItself,
                   !ask(localizer.text(.productionConfirm, ["answer": localizer.text(.confirmAnswer)])) {
                    console.line(localizer.text(.confirmCancelled))
                    return .refused
                }
            }
        }
        switch command {
        case .deleteCancel(let email?):
            // One line, asked for and typed unseen on a terminal, never kept.
            let password = SecretInput.readLine(prompt: localizer.text(.promptPassword, ["email": email]) + " ")
            call = .operation(.cancelDeletion(credentials: LoginCredentials(email: email, password: password ?? "")))
        case .deleteFinalize(let confirmed):
            if !confirmed, console.inputIsTerminal, !settings.json,
               !ask(localizer.text(.confirmFinalize, ["answer": localizer.text(.confirmAnswer)])) {
                console.line(localizer.text(.confirmCancelled))
                return .refused
            }
        case .erase(let confirmation, _, let confirmed):
            // Asked on a terminal only; elsewhere `--yes` is the answer, or
            // nothing is done. A phrase the core refuses is not asked about.
            guard confirmed || canAsk else {
                console.error(Help.message(for: .confirmationNeeded(command: "erase"), localizer))
                return .usage
            }
            let capabilities = session.capabilities
            if capabilities.erase, ErasureConfirmation.accepts(confirmation) {
                if !settings.json {
                    let output = HumanOutput(localizer: localizer, console: console, now: session.now)
                    for line in output.erasurePlan(capabilities) { console.line(line) }
                }
                if !confirmed, !ask(localizer.text(.confirmErase, ["answer": localizer.text(.confirmAnswer)])) {
                    console.line(localizer.text(.confirmCancelled))
                    return .refused
                }
            }
        default:
            break
        }
        let progress = call == .sync && console.outputIsTerminal && !settings.json
            ? SyncProgress(session: session, console: console, localizer: localizer) : nil
        let result: CallResult
        do {
            result = try await session.perform(call)
        } catch {
            progress?.finish()
            report(error, operation: call.kind)
            return ExitStatus(CallStatus(error))
        }
        progress?.finish()
        if settings.json {
            console.json(encoded: session.encoded(result))
        } else {
            let output = HumanOutput(localizer: localizer, console: console, now: session.now,
                                     backendName: session.backendName, showsOwners: call == .outbox(everyone: true),
                                     environment: session.configuration.environment)
            for line in output.lines(for: result, of: call) { console.line(line) }
        }
        return ExitStatus(result)
    }

    /// `acct servers`: the embedded emulator and the servers of `servers.json`.
    private func listServers() -> ExitStatus {
        let named: [NamedServer]
        do {
            named = try ServerDirectory.load(path: settings.serversPath)
        } catch {
            console.error(Help.message(for: error, localizer))
            return .usage
        }
        let rows = [["embedded", settings.backend.name, localizer.text(.serversEmbeddedUrl), ServerEnvironment.development.rawValue]]
            + named.map { [$0.name, $0.backend, $0.url, ($0.environment ?? .unnamed(baseURL: $0.url)).rawValue] }
        if settings.json {
            // The embedded emulator's URL is its port of the moment: none.
            let list: [JSONValue] = rows.enumerated().map { index, row in
                ["name": .string(row[0]), "backend": .string(row[1]), "url": index == 0 ? .null : .string(row[2]),
                 "environment": .string(row[3])]
            }
            console.json(["servers": .array(list), "path": .string(settings.serversPath)])
            return .done
        }
        // Escaped before the columns are measured: a name is one line, as wide as it is shown.
        let shown = rows.map { $0.map { TerminalText.escaped($0, keepingLineBreaks: false) } }
        let widths = (0..<3).map { column in shown.map { $0[column].count }.max() ?? 0 }
        for row in shown {
            var line = ""
            for column in 0..<3 { line += row[column] + String(repeating: " ", count: widths[column] - row[column].count + 2) }
            let environment = row[3] == "production" ? console.styled(row[3], .red) : ConsoleText(row[3])
            console.line(ConsoleText(line) + environment)
        }
        return .done
    }

    /// Asks `question` and reads the answer: true for the language's "yes".
    private func ask(_ question: String) -> Bool {
        console.raw(question + " ")
        return console.readLine()?.lowercased() == localizer.text(.confirmAnswer)
    }

    /// A failure: its JSON object with `--json`, else its sentences on stderr.
    func report(_ error: AccountError, operation: OperationKind? = nil) {
        if settings.json {
            console.json(Session.errorJSON(error, localizer: localizer, operation: operation))
        } else {
            let output = HumanOutput(localizer: localizer, console: console, now: settings.clock.now())
            for line in output.lines(for: error, operation: operation) { console.error(line) }
        }
    }

    /// `acct serve`: the emulator in the foreground, its control API on,
    /// its state beside the store.
    private func serve(port: UInt16) -> ExitStatus {
        do {
            let emulator = try Emulator(configuration: .init(port: port, statePath: try emulatorStatePath(),
                                                              enableControlAPI: true))
            console.line(localizer.text(.serveListening, ["url": emulator.baseURL]))
            if let url = emulator.consoleURL { console.line(localizer.text(.serveConsole, ["url": url])) }
            console.line(localizer.text(.serveOvokLogin, ["email": Emulator.ovokDemoCredentials.email,
                                                          "password": Emulator.ovokDemoCredentials.password]))
            while true { pause() }
        } catch {
            console.error(String(describing: error))
            return .unreachable
        }
    }

    /// The emulator's state file, beside the store: its directory made
    /// owner-only when missing, the file created 0600 before SQLite makes it
    /// with the process's umask.
    private func emulatorStatePath() throws -> String {
        let directory = settings.databasePath.lastIndex(of: "/").map { String(settings.databasePath[..<$0]) } ?? "."
        try StoreFile.makePrivateDirectory(directory)
        let path = directory + "/emulator.sqlite"
        let descriptor = Libc.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        if descriptor >= 0 { close(descriptor) }
        return path
    }
}

/// "2/5 sent", redrawn on a terminal while `sync` runs.
final class SyncProgress: Sendable {
    private let task: Task<Void, Never>

    init(session: Session, console: Console, localizer: Localizer) {
        let total = (try? session.answerWithoutNetwork(.outbox(everyone: false))).flatMap { result -> Int? in
            guard case .outbox(let operations, _) = result else { return nil }
            return operations.count { $0.state == .queued }
        } ?? 0
        let events = session.events
        task = Task {
            var sent = 0
            for await event in events {
                guard case .operationSynced = event else { continue }
                sent += 1
                console.overwrite(ConsoleText(localizer.text(.syncProgress, ["sent": String(sent), "total": String(max(total, sent))])))
            }
        }
    }

    func finish() {
        task.cancel()
    }
}
