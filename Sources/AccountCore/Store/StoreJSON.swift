/// JSON as the store writes it: the very shapes the first versions wrote
/// through `Codable` and `JSONEncoder`, so that every store ever written
/// reads the same. Members named as the properties, keys sorted, a nil
/// member left out, instants as milliseconds since 1970, an enum with
/// associated values as `{"case": {"label": value}}` (`_0` for an unlabelled
/// one).
enum StoreJSON {
    /// `json` as the text the store keeps.
    static func text(_ json: JSONValue) -> String {
        String(decoding: json.encoded, as: UTF8.self)
    }

    /// The JSON in a stored `text`; nil when it is not JSON.
    static func value(_ text: String) -> JSONValue? {
        JSONValue(parsing: Array(text.utf8))
    }

    /// An object with the members that are not nil.
    static func object(_ members: [String: JSONValue?]) -> JSONValue {
        .object(members.compactMapValues { $0 })
    }
}

/// The members of a stored object, read by name: absent is nil, and a member
/// of the wrong type makes the whole value unreadable (nil from `init?`).
struct StoredMembers {
    private let members: [String: JSONValue]

    init?(_ json: JSONValue) {
        guard let members = json.objectValue else { return nil }
        self.members = members
    }

    /// `.some(nil)` when absent or null; nil when present with another type.
    func optional<Value>(_ key: String, _ read: (JSONValue) -> Value?) -> Value?? {
        guard let value = members[key], !value.isNull else { return .some(nil) }
        return read(value).map { .some($0) }
    }

    func string(_ key: String) -> String?? { optional(key) { $0.stringValue } }
    func bool(_ key: String) -> Bool?? { optional(key) { $0.boolValue } }
    func integer(_ key: String) -> Int?? { optional(key) { $0.integerValue.flatMap { Int(exactly: $0) } } }
    func instant(_ key: String) -> Instant?? { optional(key) { $0.storedInstant } }

    /// The member `key`, unread; nil when absent.
    subscript(key: String) -> JSONValue? { members[key] }
}

extension JSONValue {
    /// An instant as the store writes it: milliseconds since 1970 (a whole
    /// number; `JSONEncoder` wrote a `Double`, read to the nearest
    /// millisecond).
    var storedInstant: Instant? {
        switch self {
        case .integer(let milliseconds): Instant(millisecondsSince1970: milliseconds)
        case .number(let milliseconds) where milliseconds.isFinite && abs(milliseconds) < 9.2e18:
            Instant(millisecondsSince1970: Int64(milliseconds.rounded()))
        default: nil
        }
    }

    /// `instant` as the store writes it; nil stays nil.
    static func stored(_ instant: Instant?) -> JSONValue? {
        instant.map { .integer($0.millisecondsSince1970) }
    }
}

extension DeletionStatus: CacheableValue {
    package static var cacheEntry: CacheEntry { .deletion }

    package var storedJSON: JSONValue {
        StoreJSON.object([
            "state": .string(state.rawValue), "requestID": requestID.map(JSONValue.string),
            "requestedAt": .stored(requestedAt), "scheduledFor": .stored(scheduledFor),
            "canCancelUntil": .stored(canCancelUntil), "finalizedAt": .stored(finalizedAt),
            "isLocked": .bool(isLocked), "cancellation": .string(cancellation.rawValue), "wipesData": .bool(wipesData),
        ])
    }

    package init?(storedJSON json: JSONValue) {
        guard let members = StoredMembers(json),
              let state = members["state"]?.stringValue.flatMap(State.init(rawValue:)),
              let cancellation = members["cancellation"]?.stringValue.flatMap(CancellationRoute.init(rawValue:)),
              let isLocked = members["isLocked"]?.boolValue, let wipesData = members["wipesData"]?.boolValue,
              let requestID = members.string("requestID"), let requestedAt = members.instant("requestedAt"),
              let scheduledFor = members.instant("scheduledFor"), let canCancelUntil = members.instant("canCancelUntil"),
              let finalizedAt = members.instant("finalizedAt") else { return nil }
        self.init(state: state, requestID: requestID, requestedAt: requestedAt, scheduledFor: scheduledFor,
                  canCancelUntil: canCancelUntil, finalizedAt: finalizedAt, isLocked: isLocked,
                  cancellation: cancellation, wipesData: wipesData)
    }
}

extension AccountProfile: CacheableValue {
    package static var cacheEntry: CacheEntry { .profile }

    package var storedJSON: JSONValue {
        StoreJSON.object([
            "id": .string(id), "username": username.map(JSONValue.string), "displayName": displayName.map(JSONValue.string),
            "email": email.map(JSONValue.string), "isLocked": .bool(isLocked),
            "usernameChangedAt": .stored(usernameChangedAt),
            "nextUsernameChangeAllowedAt": .stored(nextUsernameChangeAllowedAt),
        ])
    }

    package init?(storedJSON json: JSONValue) {
        guard let members = StoredMembers(json), let id = members["id"]?.stringValue,
              let isLocked = members["isLocked"]?.boolValue,
              let username = members.string("username"), let displayName = members.string("displayName"),
              let email = members.string("email"), let changedAt = members.instant("usernameChangedAt"),
              let nextChange = members.instant("nextUsernameChangeAllowedAt") else { return nil }
        self.init(id: id, username: username, displayName: displayName, email: email, isLocked: isLocked,
                  usernameChangedAt: changedAt, nextUsernameChangeAllowedAt: nextChange)
    }
}

extension UsernameCooldown: CacheableValue {
    package static var cacheEntry: CacheEntry { .usernameCooldown }

    package var storedJSON: JSONValue { StoreJSON.object(["lastChangedAt": .stored(lastChangedAt)]) }

    package init?(storedJSON json: JSONValue) {
        guard let members = StoredMembers(json), let lastChangedAt = members.instant("lastChangedAt") else { return nil }
        self.init(lastChangedAt: lastChangedAt)
    }
}

extension OperationPayload {
    /// The text of `storedJSON`, as the outbox's `payload` column holds it;
    /// the payloads without arguments, most of a queue, written as the
    /// constants they are.
    var storedText: String {
        switch self {
        case .cancelDeletion: #"{"cancelDeletion":{}}"#
        case .requestDeletion(nil, nil, nil): #"{"requestDeletion":{}}"#
        default: StoreJSON.text(storedJSON)
        }
    }

    /// What the outbox's `payload` column holds.
    var storedJSON: JSONValue {
        switch self {
        case .requestDeletion(let reason, let days, let wipe):
            ["requestDeletion": StoreJSON.object(["reason": reason.map(JSONValue.string),
                                                  "days": days.map { .integer(Int64($0)) }, "wipe": wipe.map(JSONValue.bool)])]
        case .cancelDeletion:
            ["cancelDeletion": [:]]
        case .changeUsername(let username):
            ["changeUsername": ["_0": .string(username.value)]]
        }
    }

    /// The payload in the outbox's `payload` column; nil when unreadable
    /// (a username no longer valid included).
    init?(storedJSON json: JSONValue) {
        guard let cases = json.objectValue, cases.count == 1, let (name, body) = cases.first,
              let members = StoredMembers(body) else { return nil }
        switch name {
        case "requestDeletion":
            guard let reason = members.string("reason"), let days = members.integer("days"),
                  let wipe = members.bool("wipe") else { return nil }
            self = .requestDeletion(reason: reason, days: days, wipe: wipe)
        case "cancelDeletion":
            self = .cancelDeletion
        case "changeUsername":
            guard let raw = members["_0"]?.stringValue, let username = try? Username(validating: raw) else { return nil }
            self = .changeUsername(username)
        default:
            return nil
        }
    }
}
