import AccountCore

/// Every call a front end can make, with its typed arguments: what `ac_call`
/// and `acct` run. An operation of the back end (`BackendOperation`, the
/// core's one spelling of what a user can ask for) and the session's own
/// calls beside it. Made from a name and a JSON object in exactly one place,
/// `init(name:arguments:)`.
public enum Call: Sendable, Hashable {
    /// Ask the back end: read from the server (the deletion status from the
    /// store when the server need not, or cannot, be asked), or submit a
    /// change, sent now or, offline, queued where it may wait.
    case operation(BackendOperation)
    /// What the back end can do.
    case capabilities
    /// Send what is queued.
    case sync
    /// The signed-in user's operations in the outbox; `everyone`'s with it.
    case outbox(everyone: Bool)
    /// Sign out; `discard` drops what was not sent.
    case signOut(discard: Bool)

    /// The deletion status, with what waits in the outbox:
    /// `.operation(.deletionStatus)`, the call made most.
    public static let status = Call.operation(.deletionStatus)

    /// Every call's name, as `ac_call` and the header spell it.
    public static let names = BackendOperation.names + ["capabilities", "sync", "outbox", "signOut"]

    /// The call `name` with `arguments` (an object, or nil for none): each
    /// member of the type the call expects, and no other. Throws
    /// `invalidInput(.invalidArgument)` naming the operation or the argument.
    package init(name: String, arguments: JSONValue?) throws(AccountError) {
        let arguments = try CallArguments(arguments)
        switch name {
        case "capabilities": try arguments.only([]); self = .capabilities
        case "sync": try arguments.only([]); self = .sync
        case "outbox":
            try arguments.only(["all"])
            self = .outbox(everyone: try arguments.bool("all") ?? false)
        case "signOut":
            try arguments.only(["discard"])
            self = .signOut(discard: try arguments.bool("discard") ?? false)
        default:
            guard let operation = try BackendOperation(name: name, arguments: arguments) else {
                throw AccountError(.invalidInput(.invalidArgument(name: "operation")), detail: "unknown operation \(name)")
            }
            self = .operation(operation)
        }
    }

    /// The call's name, as `ac_call` spells it.
    public var name: String {
        switch self {
        case .operation(let operation): operation.name
        case .capabilities: "capabilities"
        case .sync: "sync"
        case .outbox: "outbox"
        case .signOut: "signOut"
        }
    }

    /// The arguments as `ac_call` takes them; nil for none.
    package var arguments: JSONValue? {
        let members: [String: JSONValue] = switch self {
        case .operation(let operation): operation.arguments
        case .capabilities, .sync: [:]
        case .outbox(let everyone): everyone ? ["all": true] : [:]
        case .signOut(let discard): discard ? ["discard": true] : [:]
        }
        return members.isEmpty ? nil : .object(members)
    }

    /// The kind of operation it is, for messages about it (a 404 on a
    /// cancel says there was nothing to cancel); nil for reads and the rest.
    public var kind: OperationKind? {
        if case .operation(let operation) = self { operation.kind } else { nil }
    }
}
