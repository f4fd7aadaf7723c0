/// What `acct` was asked to do: its options and its command, as typed.
struct Invocation {
    var server: String?
    var backend: String?
    var token: String?
    var account: String?
    var database: String?
    var language: String?
    var timezone: String?
    var platform: String?
    var deviceID: String?
    var appVersion: String?
    var offline = false
    var json = false
    var help = false
    var version = false
    // The options of single commands.
    var reason: String?
    var days: String?
    var wipe = false
    var email: String?
    var passwordStdin = false
    var confirm: String?
    var port: String?
    var discard = false
    var all = false
    /// The command's words: `delete request`, `rename new_name`, ...
    var words: [String] = []

    // Computed: key paths are not Sendable, so they cannot be stored globally.
    private static var valued: [String: WritableKeyPath<Invocation, String?>] { [
        "--server": \.server, "--backend": \.backend, "--token": \.token, "--account": \.account, "--db": \.database, "--lang": \.language,
        "--timezone": \.timezone, "--platform": \.platform, "--device-id": \.deviceID, "--app-version": \.appVersion,
        "--reason": \.reason, "--days": \.days, "--email": \.email, "--confirm": \.confirm, "--port": \.port,
    ] }
    private static var flags: [String: WritableKeyPath<Invocation, Bool>] { [
        "--offline": \.offline, "--json": \.json, "--help": \.help, "-h": \.help, "--version": \.version,
        "--wipe": \.wipe, "--password-stdin": \.passwordStdin, "--discard": \.discard, "--all": \.all,
    ] }

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
            if let flag = flags[name] {
                guard inline == nil else { throw .badValue(option: name, value: inline ?? "") }
                invocation[keyPath: flag] = true
            } else if let path = valued[name] {
                if let inline {
                    invocation[keyPath: path] = inline
                } else {
                    guard index < arguments.count else { throw .missingValue(option: name) }
                    invocation[keyPath: path] = arguments[index]
                    index += 1
                }
            } else {
                throw .unknownOption(name)
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
    case missingArgument(command: String, argument: String)
    case passwordNeedsStdin
}
