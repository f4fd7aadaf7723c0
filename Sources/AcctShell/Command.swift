import AccountCore
import AccountSession

/// The commands of `acct`, each with its arguments.
enum Command: Equatable {
    case status
    case whoami
    case stats
    case deleteRequest(reason: String?, days: Int?, wipe: Bool)
    case deleteCancel(email: String?)
    case deleteFinalize(confirmed: Bool)
    case erase(confirmation: String, reason: String?, confirmed: Bool)
    case rename(String)
    case sync
    case outbox(all: Bool)
    case signout(discard: Bool)
    case capabilities
    case shell
    case serve(port: UInt16)
    case completion(CompletionScript.Shell)
    case servers

    /// The command `invocation` names, with its options checked against
    /// `CommandTable`: an option of another command is a usage error, not
    /// silently ignored.
    init(_ invocation: Invocation) throws(UsageError) {
        let words = invocation.words
        guard let spec = CommandTable.command(startingWith: words) else {
            let group = CommandTable.commands(under: words)
            if !words.isEmpty, !group.isEmpty {
                throw .incompleteCommand(words.joined(separator: " "), choices: group.map { $0.words[words.count] })
            }
            throw .unknownCommand(words.joined(separator: " "))
        }
        let extra = Array(words.dropFirst(spec.words.count))
        if spec.argument == nil, !extra.isEmpty { throw .unknownCommand(words.joined(separator: " ")) }
        let global = Set(CommandTable.globalOptions.map(\.name))
        if let stray = invocation.given.subtracting(global).subtracting(spec.options.map(\.name)).sorted().first {
            throw .unknownOption(stray)
        }
        if let missing = spec.options.first(where: { $0.required && invocation.values[$0.name] == nil }) {
            throw .missingArgument(command: spec.name, argument: missing.synopsis)
        }
        func flag(_ name: String) -> Bool { invocation.flags.contains(name) }
        func value(_ name: String) -> String? { invocation.values[name] }
        func number<Number: FixedWidthInteger>(_ name: String) throws(UsageError) -> Number? {
            guard let text = value(name) else { return nil }
            guard let number = Number(text) else { throw .badValue(option: name, value: text) }
            return number
        }
        switch spec.name {
        case "status": self = .status
        case "whoami": self = .whoami
        case "stats": self = .stats
        case "delete request":
            self = .deleteRequest(reason: value("--reason"), days: try number("--days"), wipe: flag("--wipe"))
        case "delete cancel":
            if value("--email") != nil, !flag("--password-stdin") { throw .passwordNeedsStdin }
            self = .deleteCancel(email: value("--email"))
        case "delete finalize": self = .deleteFinalize(confirmed: flag("--yes"))
        case "erase":
            self = .erase(confirmation: value("--confirm") ?? "", reason: value("--reason"), confirmed: flag("--yes"))
        case "rename":
            guard extra.count == 1 else {
                if extra.isEmpty { throw .missingArgument(command: spec.name, argument: spec.argument?.placeholder ?? "") }
                throw .unknownCommand(words.joined(separator: " "))
            }
            self = .rename(extra[0])
        case "sync": self = .sync
        case "outbox": self = .outbox(all: flag("--all"))
        case "signout": self = .signout(discard: flag("--discard"))
        case "capabilities": self = .capabilities
        case "servers": self = .servers
        case "shell": self = .shell
        case "serve": self = .serve(port: try number("--port") ?? 0)
        case "completion":
            guard let name = extra.first else {
                throw .missingArgument(command: spec.name, argument: spec.argument?.placeholder ?? "")
            }
            guard extra.count == 1, let shell = CompletionScript.Shell(rawValue: name) else {
                throw .badValue(option: spec.name, value: extra.joined(separator: " "))
            }
            self = .completion(shell)
        default: // `help` is answered before a command is made (`Help.topic`).
            throw .unknownCommand(words.joined(separator: " "))
        }
    }

    /// The call the command runs, if it is one (a cancel's password is
    /// read when it runs).
    var call: Call? {
        switch self {
        case .status: .status
        case .whoami: .operation(.profile)
        case .stats: .operation(.stats)
        case .deleteRequest(let reason, let days, let wipe):
            .operation(.requestDeletion(reason: reason, days: days, wipe: wipe ? true : nil))
        case .deleteCancel: .operation(.cancelDeletion(credentials: nil))
        case .deleteFinalize: .operation(.finalizeDeletion)
        case .erase(let confirmation, let reason, _): .operation(.erase(confirmation: confirmation, reason: reason))
        case .rename(let name): .operation(.changeUsername(name))
        case .sync: .sync
        case .outbox(let all): .outbox(everyone: all)
        case .signout(let discard): .signOut(discard: discard)
        case .capabilities: .capabilities
        case .shell, .serve, .completion, .servers: nil
        }
    }

    /// The command's words, as the help names it (`delete request`).
    var name: String {
        switch self {
        case .status: "status"
        case .whoami: "whoami"
        case .stats: "stats"
        case .deleteRequest: "delete request"
        case .deleteCancel: "delete cancel"
        case .deleteFinalize: "delete finalize"
        case .erase: "erase"
        case .rename: "rename"
        case .sync: "sync"
        case .outbox: "outbox"
        case .signout: "signout"
        case .capabilities: "capabilities"
        case .shell: "shell"
        case .serve: "serve"
        case .completion: "completion"
        case .servers: "servers"
        }
    }

    /// The command asks its own question before it acts (`delete finalize`, `erase`).
    var asksItself: Bool {
        switch self {
        case .deleteFinalize, .erase: true
        default: false
        }
    }
}
