/// The user as a server describes them in an answer (Ovok's `user`), kept
/// as it came so the app can show whose account the request acted on.
public struct AccountHolder: Hashable, Sendable {
    /// A project the user belongs to (Ovok's FHIR `Reference`).
    public struct Project: Hashable, Sendable {
        /// `Project/…`.
        public var reference: String?
        /// Its name.
        public var display: String?

        /// Creates a project reference.
        public init(reference: String?, display: String?) {
            self.reference = reference
            self.display = display
        }
    }

    /// The server's id of the user.
    public var id: String
    /// First name.
    public var firstName: String?
    /// Last name.
    public var lastName: String?
    /// E-mail address.
    public var email: String?
    /// The project, when the server named one.
    public var project: Project?

    /// Creates a description of the user.
    public init(id: String, firstName: String? = nil, lastName: String? = nil, email: String? = nil,
                project: Project? = nil) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.project = project
    }
}
