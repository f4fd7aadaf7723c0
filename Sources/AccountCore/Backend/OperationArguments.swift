/// The one table of an operation's name and arguments as `ac_call`, `acct
/// --json` and the header spell them: decoding (`init(name:arguments:)`)
/// and encoding (`name`, `arguments`) side by side, so the two cannot
/// drift. A new operation is one row in each switch; the compiler lists them.
extension BackendOperation {
    /// Every operation's name, in the header's order.
    package static let names = ["status", "profile", "stats", "requestDeletion", "cancelDeletion",
                                "finalizeDeletion", "erase", "changeUsername"]

    /// The operation `name` with `arguments`: each member of the type the
    /// operation expects, and no other. Nil for a name that is not an
    /// operation's; throws `invalidInput(.invalidArgument)` naming the argument.
    package init?(name: String, arguments: CallArguments) throws(AccountError) {
        switch name {
        case "status": try arguments.only([]); self = .deletionStatus
        case "profile": try arguments.only([]); self = .profile
        case "stats": try arguments.only([]); self = .stats
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
            guard let name = try arguments.string("newUsername") else { throw CallArguments.invalid("newUsername") }
            self = .changeUsername(name)
        default:
            return nil
        }
    }

    /// The operation's name, as `ac_call` spells it.
    public var name: String {
        switch self {
        case .deletionStatus: "status"
        case .profile: "profile"
        case .stats: "stats"
        case .requestDeletion: "requestDeletion"
        case .cancelDeletion: "cancelDeletion"
        case .finalizeDeletion: "finalizeDeletion"
        case .erase: "erase"
        case .changeUsername: "changeUsername"
        }
    }

    /// The arguments as `ac_call` takes them (a password included: they are
    /// what the caller gave); empty for none.
    package var arguments: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        switch self {
        case .deletionStatus, .profile, .stats, .finalizeDeletion: break
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
        }
        return members
    }
}

/// The arguments of one call: an object whose members have the types the
/// call expects, and no others. Every refusal names the member.
package struct CallArguments: Sendable {
    let members: [String: JSONValue]

    /// `value` as arguments: an object, or nil (or null) for none.
    package init(_ value: JSONValue?) throws(AccountError) {
        switch value {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        default: throw Self.invalid("arguments")
        }
    }

    /// The refusal of the member `name`.
    package static func invalid(_ name: String) -> AccountError {
        AccountError(.invalidInput(.invalidArgument(name: name)))
    }

    /// Refuses a member not in `allowed`, the first by name.
    package func only(_ allowed: Set<String>) throws(AccountError) {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) { throw Self.invalid(unknown) }
    }

    /// The string `key`; nil when absent or null.
    package func string(_ key: String) throws(AccountError) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw Self.invalid(key) }
        return text
    }

    /// The whole number `key`; nil when absent or null.
    package func integer(_ key: String) throws(AccountError) -> Int? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.integerValue, let whole = Int(exactly: number) else { throw Self.invalid(key) }
        return whole
    }

    /// The boolean `key`; nil when absent or null.
    package func bool(_ key: String) throws(AccountError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw Self.invalid(key) }
        return flag
    }
}
