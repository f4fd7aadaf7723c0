import AccountCore
import AccountSession

/// The commands of `acct`, each with its arguments.
enum Command: Equatable {
    case status
    case whoami
    case stats
    case deleteRequest(reason: String?, days: Int?, wipe: Bool)
    case deleteCancel(email: String?)
    case deleteFinalize
    case erase(confirmation: String, reason: String?)
    case rename(String)
    case sync
    case outbox(all: Bool)
    case signout(discard: Bool)
    case capabilities
    case shell
    case serve(port: UInt16)

    /// The command `invocation` names, with its options checked: an option
    /// of another command is a usage error, not silently ignored.
    init(_ invocation: Invocation) throws(UsageError) {
        var allowed: Set<String> = []
        switch invocation.words {
        case ["status"]: self = .status
        case ["whoami"]: self = .whoami
        case ["stats"]: self = .stats
        case ["delete", "request"]:
            var days: Int?
            if let text = invocation.days {
                guard let number = Int(text) else { throw .badValue(option: "--days", value: text) }
                days = number
            }
            self = .deleteRequest(reason: invocation.reason, days: days, wipe: invocation.wipe)
            allowed = ["--reason", "--days", "--wipe"]
        case ["delete", "cancel"]:
            if invocation.email != nil, !invocation.passwordStdin { throw .passwordNeedsStdin }
            self = .deleteCancel(email: invocation.email)
            allowed = ["--email", "--password-stdin"]
        case ["delete", "finalize"]: self = .deleteFinalize
        case ["erase"]:
            guard let confirmation = invocation.confirm else {
                throw .missingArgument(command: "erase", argument: "--confirm DELETE_MY_ACCOUNT")
            }
            self = .erase(confirmation: confirmation, reason: invocation.reason)
            allowed = ["--confirm", "--reason"]
        case ["rename"]: throw .missingArgument(command: "rename", argument: "<new-username>")
        case let words where words.count == 2 && words[0] == "rename": self = .rename(words[1])
        case ["sync"]: self = .sync
        case ["outbox"]:
            self = .outbox(all: invocation.all)
            allowed = ["--all"]
        case ["signout"]:
            self = .signout(discard: invocation.discard)
            allowed = ["--discard"]
        case ["capabilities"]: self = .capabilities
        case ["shell"]: self = .shell
        case ["serve"]:
            var port: UInt16 = 0
            if let text = invocation.port {
                guard let number = UInt16(text) else { throw .badValue(option: "--port", value: text) }
                port = number
            }
            self = .serve(port: port)
            allowed = ["--port"]
        default:
            throw .unknownCommand(invocation.words.joined(separator: " "))
        }
        let given: [(String, Bool)] = [("--reason", invocation.reason != nil), ("--days", invocation.days != nil),
                                       ("--wipe", invocation.wipe), ("--email", invocation.email != nil),
                                       ("--password-stdin", invocation.passwordStdin), ("--confirm", invocation.confirm != nil),
                                       ("--port", invocation.port != nil), ("--discard", invocation.discard),
                                       ("--all", invocation.all)]
        if let stray = given.first(where: { $0.1 && !allowed.contains($0.0) }) { throw .unknownOption(stray.0) }
    }

    /// The call the command runs, if it is one (a cancel's password is
    /// read when it runs).
    var call: Call? {
        switch self {
        case .status: .status
        case .whoami: .profile
        case .stats: .stats
        case .deleteRequest(let reason, let days, let wipe): .requestDeletion(reason: reason, days: days, wipe: wipe ? true : nil)
        case .deleteCancel: .cancelDeletion(credentials: nil)
        case .deleteFinalize: .finalizeDeletion
        case .erase(let confirmation, let reason): .erase(confirmation: confirmation, reason: reason)
        case .rename(let name): .changeUsername(name)
        case .sync: .sync
        case .outbox(let all): .outbox(everyone: all)
        case .signout(let discard): .signOut(discard: discard)
        case .capabilities: .capabilities
        case .shell, .serve: nil
        }
    }
}
