import AccountCore
import FoundationEssentials

/// A user account held by the emulator, whichever back end it belongs to.
struct EmulatedUser: Sendable, Hashable, Codable {
    var id: String
    var backend: EmulatedBackend
    var username: String?
    var email: String?
    /// SHA-256 of the password (Ovok's login); never the password.
    var passwordHash: String?
    var firstName: String?
    var lastName: String?
    var usernameChangedAt: Instant?
    var deletion: DeletionStatus
    var followers: Int
    var following: Int
    var liveStreams: Int
    /// Gone for good: finalized, or its scheduled deletion came.
    var isDeleted: Bool

    init(id: String, backend: EmulatedBackend, username: String? = nil, email: String? = nil,
         password: String? = nil, firstName: String? = nil, lastName: String? = nil,
         followers: Int = 0, following: Int = 0, liveStreams: Int = 0) {
        self.id = id
        self.backend = backend
        self.username = username
        self.email = email
        self.passwordHash = password.map(SHA256.hex)
        self.firstName = firstName
        self.lastName = lastName
        self.usernameChangedAt = nil
        self.deletion = .none
        self.followers = followers
        self.following = following
        self.liveStreams = liveStreams
        self.isDeleted = false
    }

    /// The user after the deletion job ran at `now`: a pending deletion whose
    /// instant has passed is carried out.
    func advanced(to now: Instant) -> EmulatedUser {
        var user = self
        user.deletion = deletion.advanced(to: now)
        if user.deletion.state == .finalized { user.isDeleted = true }
        return user
    }

    /// The user as the control API shows it.
    var json: JSONValue {
        [
            "id": .string(id), "backend": .string(backend.rawValue), "username": .string(username),
            "email": .string(email), "firstName": .string(firstName), "lastName": .string(lastName),
            "usernameChangedAt": .instant(usernameChangedAt), "deleted": .bool(isDeleted),
            "deletion": [
                "status": .string(deletion.state.rawValue), "requestedAt": .instant(deletion.requestedAt),
                "scheduledFor": .instant(deletion.scheduledFor), "canCancelUntil": .instant(deletion.canCancelUntil),
                "finalizedAt": .instant(deletion.finalizedAt), "isLocked": .bool(deletion.isLocked),
                "wipe": .bool(deletion.wipesData), "cancellation": .string(deletion.cancellation.rawValue),
            ],
        ]
    }
}

/// The seeded users, one per back end, taken from the seeds' own examples.
enum DemoUsers {
    /// Ovok's demo password, printed by `acct serve` for developers.
    static let ovokPassword = "demo-password"

    static let all: [EmulatedUser] = [
        EmulatedUser(id: "507f1f77bcf86cd799439011", backend: .allmine, username: "demo_user",
                     followers: 128, following: 64, liveStreams: 3),
        EmulatedUser(id: "usr_morgan_de", backend: .mudbase, email: "morgan.chen@northwind.dev",
                     firstName: "Morgan", lastName: "Chen"),
        EmulatedUser(id: "9f8a2389-a20c-a075-2aa9-e95093515517", backend: .ovok,
                     email: "max.mustermann@example.com", password: ovokPassword,
                     firstName: "Max", lastName: "Mustermann"),
    ]

    /// The demo user of `backend`.
    static func user(of backend: EmulatedBackend) -> EmulatedUser? {
        all.first { $0.backend == backend }
    }
}
