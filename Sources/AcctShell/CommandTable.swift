import AccountCore
import AccountSession

/// Every command and option of `acct`, declared once: the parser
/// (`Invocation`, `Command`), the help (`Help`) and the completion (the
/// prompt's Tab and `acct completion`) all read this table.
enum CommandTable {
    /// The options every command takes, in the order the help lists them.
    static let globalOptions: [OptionSpec] = [
        OptionSpec("--server", .text("URL|NAME"), variable: "ACCT_SERVER", help: .helpServer),
        OptionSpec("--backend", .choice("NAME", BackendCatalog.names), variable: "ACCT_BACKEND", help: .helpBackend),
        // The safe ways first: a token on the command line is seen by every user of the machine.
        OptionSpec("--token-file", .path("PATH"), variable: "ACCT_TOKEN_FILE", help: .helpTokenFile),
        OptionSpec("--token-stdin", help: .helpTokenStdin),
        OptionSpec("--token", .text("T"), variable: "ACCT_TOKEN", help: .helpToken),
        OptionSpec("--account", .text("ID"), variable: "ACCT_ACCOUNT", help: .helpAccount),
        OptionSpec("--db", .path("PATH"), variable: "ACCT_DB", help: .helpDb),
        OptionSpec("--lang", .choice("en|tr", Language.allCases.map(\.rawValue)), variable: "ACCT_LANG", help: .helpLang),
        // Tab offers the servers' 37 offsets; any other real one is taken too.
        OptionSpec("--timezone", .choice("UTC±HH:MM", UTCOffset.serverAccepted.map(\.description)),
                   variable: "ACCT_TIMEZONE", help: .helpTimezone),
        OptionSpec("--platform", .choice("P", ClientPlatform.allCases.map(\.rawValue)), help: .helpPlatform),
        OptionSpec("--device-id", .text("D"), help: .helpDeviceId),
        OptionSpec("--app-version", .text("V"), help: .helpAppVersion),
        OptionSpec("--offline", help: .helpOffline),
        OptionSpec("--allow-insecure-http", help: .helpAllowInsecureHttp),
        OptionSpec("--json", help: .helpJson),
        OptionSpec("--help", alias: "-h", help: .helpHelp),
        OptionSpec("--version", help: .helpVersion),
    ]

    private static let reason = OptionSpec("--reason", .text("T"), help: .optionReason)
    private static let yes = OptionSpec("--yes", help: .optionYes)

    /// The commands, in the order the help lists them.
    static let commands: [CommandSpec] = [
        CommandSpec(["status"], summary: .helpStatus, details: .detailsStatus,
                    examples: ["acct status", "acct --offline status", "acct --json status"]),
        CommandSpec(["whoami"], summary: .helpWhoami, details: .detailsWhoami, examples: ["acct whoami"]),
        CommandSpec(["stats"], summary: .helpStats, details: .detailsStats, examples: ["acct stats"]),
        CommandSpec(["delete", "request"], options: [
            reason, OptionSpec("--days", .text("N"), help: .optionDays), OptionSpec("--wipe", help: .optionWipe), yes,
        ], summary: .helpDeleteRequest, details: .detailsDeleteRequest,
        examples: ["acct delete request", "acct delete request --reason \"moving on\"",
                   "acct --backend ovok delete request --days 10 --wipe"]),
        CommandSpec(["delete", "cancel"], options: [
            OptionSpec("--email", .text("E"), help: .optionEmail), OptionSpec("--password-stdin", help: .optionPasswordStdin), yes,
        ], summary: .helpDeleteCancel, details: .detailsDeleteCancel,
        examples: ["acct delete cancel", "acct --offline delete cancel",
                   "acct --backend ovok delete cancel --email max@example.com --password-stdin"]),
        CommandSpec(["delete", "finalize"], options: [yes], summary: .helpDeleteFinalize, details: .detailsDeleteFinalize,
                    examples: ["acct delete finalize", "acct delete finalize --yes"]),
        CommandSpec(["erase"], options: [
            OptionSpec("--confirm", .choice(ErasureConfirmation.phrase, [ErasureConfirmation.phrase]), required: true,
                       help: .optionConfirm),
            reason, yes,
        ], summary: .helpErase, details: .detailsErase,
        examples: ["acct --backend mudbase erase --confirm DELETE_MY_ACCOUNT",
                   "acct --backend mudbase erase --confirm DELETE_MY_ACCOUNT --yes"]),
        CommandSpec(["rename"], argument: ArgumentSpec("NEW-USERNAME"), options: [yes], summary: .helpRename, details: .detailsRename,
                    examples: ["acct rename new_name", "acct --offline rename new_name"]),
        CommandSpec(["sync"], summary: .helpSync, details: .detailsSync, examples: ["acct sync", "acct --json sync"]),
        CommandSpec(["outbox"], options: [OptionSpec("--all", help: .optionAll)], summary: .helpOutbox,
                    details: .detailsOutbox, examples: ["acct outbox", "acct outbox --all"]),
        CommandSpec(["signout"], options: [OptionSpec("--discard", help: .optionDiscard)], summary: .helpSignout,
                    details: .detailsSignout, examples: ["acct signout", "acct signout --discard"]),
        CommandSpec(["capabilities"], summary: .helpCapabilities, details: .detailsCapabilities,
                    examples: ["acct capabilities", "acct --backend ovok --lang tr capabilities"]),
        CommandSpec(["servers"], summary: .helpServers, details: .detailsServers,
                    examples: ["acct servers", "acct --server staging status", "acct --json servers"]),
        CommandSpec(["shell"], summary: .helpShell, details: .detailsShell, examples: ["acct shell", "acct --lang tr"]),
        CommandSpec(["serve"], options: [OptionSpec("--port", .text("N"), help: .optionPort)], summary: .helpServe,
                    details: .detailsServe, examples: ["acct serve", "acct serve --port 8080"]),
        CommandSpec(["completion"], argument: ArgumentSpec("SHELL", choices: CompletionScript.Shell.allCases.map(\.rawValue)),
                    summary: .helpCompletion, details: .detailsCompletion,
                    examples: ["source <(acct completion bash)", "acct completion zsh > \"${fpath[1]}/_acct\"",
                               "acct completion fish | source"]),
        CommandSpec(["help"], argument: ArgumentSpec("[COMMAND]"), summary: .helpHelpCommand,
                    details: .detailsHelp, examples: ["acct help delete request", "acct erase --help"]),
    ]

    /// What only the interactive prompt understands, besides the commands.
    static let shellWords = ["online", "offline", "history", "exit", "quit"]

    /// Every option any command takes, by name and by alias.
    static let optionsByName: [String: OptionSpec] = {
        var byName: [String: OptionSpec] = [:]
        for option in globalOptions + commands.flatMap(\.options) {
            byName[option.name] = option
            if let alias = option.alias { byName[alias] = option }
        }
        return byName
    }()

    /// The command whose words begin `words` (its argument may follow).
    static func command(startingWith words: [String]) -> CommandSpec? {
        commands.filter { words.starts(with: $0.words) }.max { $0.words.count < $1.words.count }
    }

    /// The commands whose words begin with `prefix`: the group `delete`
    /// names three.
    static func commands(under prefix: [String]) -> [CommandSpec] {
        commands.filter { $0.words.starts(with: prefix) }
    }
}

/// One option: its name, what its value is (nil for a flag), the
/// environment variable it may come from, and what it is for.
struct OptionSpec: Sendable {
    let name: String
    let alias: String?
    let value: ValueKind?
    let variable: String?
    /// The command cannot run without it (`erase --confirm`).
    let required: Bool
    let help: TextKey

    init(_ name: String, _ value: ValueKind? = nil, alias: String? = nil, variable: String? = nil, required: Bool = false,
         help: TextKey) {
        self.name = name
        self.alias = alias
        self.value = value
        self.variable = variable
        self.required = required
        self.help = help
    }

    /// `--days N`, `--wipe`.
    var synopsis: String {
        value.map { name + " " + $0.placeholder } ?? name
    }
}

/// What an option's value is: free text, one of a list, or a file.
enum ValueKind: Sendable {
    case text(String)
    case choice(String, [String])
    case path(String)

    /// How the help shows the value: `N`, `URL`.
    var placeholder: String {
        switch self {
        case .text(let placeholder), .choice(let placeholder, _), .path(let placeholder): placeholder
        }
    }

    /// The values Tab offers.
    var choices: [String] {
        if case .choice(_, let choices) = self { return choices }
        return []
    }
}

/// The word a command takes after its name: `rename NEW-USERNAME`.
struct ArgumentSpec: Sendable {
    let placeholder: String
    /// The values Tab offers.
    let choices: [String]

    init(_ placeholder: String, choices: [String] = []) {
        self.placeholder = placeholder
        self.choices = choices
    }
}

/// One command: its words, its own options, its argument, what it is for
/// (a line for the list, a paragraph for its own help) and examples.
struct CommandSpec: Sendable {
    let words: [String]
    var argument: ArgumentSpec?
    var options: [OptionSpec] = []
    let summary: TextKey
    let details: TextKey
    let examples: [String]

    init(_ words: [String], argument: ArgumentSpec? = nil, options: [OptionSpec] = [], summary: TextKey,
         details: TextKey, examples: [String]) {
        self.words = words
        self.argument = argument
        self.options = options
        self.summary = summary
        self.details = details
        self.examples = examples
    }

    /// `delete request`.
    var name: String { words.joined(separator: " ") }

    /// `rename NEW-USERNAME`: the name and its argument.
    var title: String { argument.map { name + " " + $0.placeholder } ?? name }

    /// `delete request [--reason T] [--days N] [--wipe]`; an option the
    /// command cannot do without (`erase --confirm`) without brackets.
    var synopsis: String {
        ([title] + options.map { $0.required ? $0.synopsis : "[" + $0.synopsis + "]" }).joined(separator: " ")
    }
}
