import AccountCore

/// Every call a front end can make, with its typed arguments: what `ac_call`
/// and `acct` run. Made from a name and a JSON object in exactly one place,
/// `init(name:arguments:)`; adding a call is one case, and the compiler then
/// lists every switch that must handle it.
public enum Call: Sendable, Hashable {
    /// The deletion status, with what waits in the outbox.
    case status
    /// The profile, from the server.
    case profile
    /// The stats, from the server.
    case stats
    /// What the back end can do.
    case capabilities
    /// Request a deletion (scheduled after `days`, with `wipe`, where the back end has them).
    case requestDeletion(reason: String?, days: Int?, wipe: Bool?)
    /// Cancel the pending deletion; with credentials where cancelling means logging in.
    case cancelDeletion(credentials: LoginCredentials?)
    /// Carry out the pending deletion now.
    case finalizeDeletion
    /// GDPR erasure, with the typed confirmation.
    case erase(confirmation: String, reason: String?)
    /// Change the username.
    case changeUsername(String)
    /// Send what is queued.
    case sync
    /// The signed-in user's operations in the outbox; `everyone`'s with it.
    case outbox(everyone: Bool)
    /// Sign out; `discard` drops what was not sent.
    case signOut(discard: Bool)

    /// Every call's name, as `ac_call` and the header spell it.
    public static let names = ["status", "profile", "stats", "capabilities", "requestDeletion", "cancelDeletion",
                               "finalizeDeletion", "erase", "changeUsername", "sync", "outbox", "signOut"]

    /// The call `name` with `arguments` (an object, or nil for none): each
    /// member of the type the call expects, and no other. Throws
    /// `invalidInput(.invalidArgument)` naming the operation or the argument.
    package init(name: String, arguments: JSONValue?) throws(AccountError) {
        let arguments = try Arguments(arguments)
        switch name {
        case "status": try arguments.only([]); self = .status
        case "profile": try arguments.only([]); self = .profile
        case "stats": try arguments.only([]); self = .stats
        case "capabilities": try arguments.only([]); self = .capabilities
        case "requestDeletion":
            try arguments.only(["reason", "days", "wipe"])
            self = .requestDeletion(reason: try arguments.string("reason"), days: try arguments.integer("days"),
                                    wipe: try arguments.bool("wipe"))
        case "cancelDeletion":
            try arguments.only(["email", "password"])
            let email = try arguments.string("email"), password = try arguments.string("password")
            self = .cancelDeletion(credentials: email.flatMap { email in
                password.map { LoginCredentials(email: email, password: $0) }
            })
        case "finalizeDeletion": try arguments.only([]); self = .finalizeDeletion
        case "erase":
            try arguments.only(["confirmation", "reason"])
            self = .erase(confirmation: try arguments.string("confirmation") ?? "", reason: try arguments.string("reason"))
        case "changeUsername":
            try arguments.only(["newUsername"])
            guard let name = try arguments.string("newUsername") else { throw Arguments.invalid("newUsername") }
            self = .changeUsername(name)
        case "sync": try arguments.only([]); self = .sync
        case "outbox":
            try arguments.only(["all"])
            self = .outbox(everyone: try arguments.bool("all") ?? false)
        case "signOut":
            try arguments.only(["discard"])
            self = .signOut(discard: try arguments.bool("discard") ?? false)
        default:
            throw AccountError(.invalidInput(.invalidArgument(name: "operation")), detail: "unknown operation \(name)")
        }
    }

    /// The call's name, as `ac_call` spells it.
    public var name: String {
        switch self {
        case .status: "status"
        case .profile: "profile"
        case .stats: "stats"
        case .capabilities: "capabilities"
        case .requestDeletion: "requestDeletion"
        case .cancelDeletion: "cancelDeletion"
        case .finalizeDeletion: "finalizeDeletion"
        case .erase: "erase"
        case .changeUsername: "changeUsername"
        case .sync: "sync"
        case .outbox: "outbox"
        case .signOut: "signOut"
        }
    }

    /// The arguments as `ac_call` takes them; nil for none.
    package var arguments: JSONValue? {
        var members: [String: JSONValue] = [:]
        switch self {
        case .status, .profile, .stats, .capabilities, .finalizeDeletion, .sync: return nil
        case .requestDeletion(let reason, let days, let wipe):
            if let reason { members["reason"] = .string(reason) }
            if let days { members["days"] = .integer(Int64(days)) }
            if let wipe { members["wipe"] = .bool(wipe) }
        case .cancelDeletion(let credentials):
            if let credentials { members = ["email": .string(credentials.email), "password": .string(credentials.password)] }
        case .erase(let confirmation, let reason):
            members["confirmation"] = .string(confirmation)
            if let reason { members["reason"] = .string(reason) }
        case .changeUsername(let name): members["newUsername"] = .string(name)
        case .outbox(let everyone): if everyone { members["all"] = true }
        case .signOut(let discard): if discard { members["discard"] = true }
        }
        return members.isEmpty ? nil : .object(members)
    }

    /// The kind of operation it is, for messages about it (a 404 on a
    /// cancel says there was nothing to cancel); nil for reads and the rest.
    public var kind: OperationKind? {
        switch self {
        case .requestDeletion: .requestDeletion
        case .cancelDeletion: .cancelDeletion
        case .finalizeDeletion: .finalizeDeletion
        case .erase: .erase
        case .changeUsername: .changeUsername
        case .status, .profile, .stats, .capabilities, .sync, .outbox, .signOut: nil
        }
    }
}

/// The arguments of one call: an object whose members have the types the
/// call expects, and no others.
struct Arguments {
    let members: [String: JSONValue]

    init(_ value: JSONValue?) throws(AccountError) {
        switch value {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        default: throw Self.invalid("arguments")
        }
    }

    static func invalid(_ name: String) -> AccountError {
        AccountError(.invalidInput(.invalidArgument(name: name)))
    }

    func only(_ allowed: Set<String>) throws(AccountError) {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) { throw Self.invalid(unknown) }
    }

    func string(_ key: String) throws(AccountError) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw Self.invalid(key) }
        return text
    }

    func integer(_ key: String) throws(AccountError) -> Int? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.integerValue, let whole = Int(exactly: number) else { throw Self.invalid(key) }
        return whole
    }

    func bool(_ key: String) throws(AccountError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw Self.invalid(key) }
        return flag
    }
}
