/// What `acct` was asked to do: its options and its command, as typed.
/// Which options exist, and which take a value, is `CommandTable`'s.
struct Invocation {
    /// The values of the options given, by name (`--backend`: `ovok`).
    var values: [String: String] = [:]
    /// The flags given, by name (`--json`).
    var flags: Set<String> = []
    /// The command's words: `delete request`, `rename new_name`, ...
    var words: [String] = []

    var server: String? { values["--server"] }
    var backend: String? { values["--backend"] }
    var token: String? { values["--token"] }
    var tokenFile: String? { values["--token-file"] }
    var tokenStdin: Bool { flags.contains("--token-stdin") }
    var account: String? { values["--account"] }
    var database: String? { values["--db"] }
    var language: String? { values["--lang"] }
    var timezone: String? { values["--timezone"] }
    var platform: String? { values["--platform"] }
    var deviceID: String? { values["--device-id"] }
    var appVersion: String? { values["--app-version"] }
    var offline: Bool { flags.contains("--offline") }
    var allowInsecureHTTP: Bool { flags.contains("--allow-insecure-http") }
    var json: Bool { flags.contains("--json") }
    var yes: Bool { flags.contains("--yes") }
    var help: Bool { flags.contains("--help") }
    var version: Bool { flags.contains("--version") }

    /// The names of every option given, flags and valued.
    var given: Set<String> { flags.union(values.keys) }

    /// Parses `arguments`; options may come before or after the command,
    /// as `--name value` or `--name=value`; `--` ends the options.
    static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var invocation = Invocation()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                invocation.words.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            let (name, inline) = argument.firstIndex(of: "=").map {
                (String(argument[..<$0]), Optional(String(argument[argument.index(after: $0)...])))
            } ?? (argument, nil)
            guard let option = CommandTable.optionsByName[name] else { throw .unknownOption(name) }
            if option.value == nil {
                guard inline == nil else { throw .badValue(option: option.name, value: inline ?? "") }
                invocation.flags.insert(option.name)
            } else if let inline {
                invocation.values[option.name] = inline
            } else {
                guard index < arguments.count else { throw .missingValue(option: option.name) }
                invocation.values[option.name] = arguments[index]
                index += 1
            }
        }
        return invocation
    }
}

/// A command line `acct` cannot run: exit status 2, with the reason.
enum UsageError: Error, Equatable {
    case unknownCommand(String)
    case unknownOption(String)
    case missingValue(option: String)
    case badValue(option: String, value: String)
    /// `--timezone` (or `ACCT_TIMEZONE`) that is no offset from UTC-12:00 to UTC+14:00.
    case badTimezone(String)
    case missingArgument(command: String, argument: String)
    /// `delete` alone: which of its commands.
    case incompleteCommand(String, choices: [String])
    case passwordNeedsStdin
    /// Two options that cannot be used together (two sources of the token,
    /// or two readers of standard input).
    case conflictingOptions(String, String)
    /// The token file is refused: it is not the user's own regular file
    /// with no permission for group or others, or it cannot be read.
    case tokenFile(path: String, problem: TokenFileProblem)
    /// `--token-stdin`, and standard input ended before a line.
    case tokenStdinEmpty
    /// A command that asks before it acts cannot ask (no terminal, or
    /// `--json`), and `--yes` was not given.
    case confirmationNeeded(command: String)
    /// `servers.json` is malformed: at `server` (nil: the file itself) and
    /// `key` (empty: the whole entry or the file).
    case serversFile(path: String, server: String?, key: String)
}
