/// Who is signed in on an engine, and with what: kept in memory only.
///
/// The rule it serves: an operation is sent only under the credentials of
/// the person who made it. A token is sent for `account` only once it is
/// known to be theirs: the server said so (`confirmedByServer`), or the back
/// end cannot say and the host did (or the person is known only by this
/// token). Where the back end can say whose a token is, the core asks it
/// before the first send under a token it has not confirmed.
struct SignIn: Sendable {
    /// The person; nil when nobody is signed in.
    var account: AccountID?
    /// The bearer token.
    var token: String?
    /// The token's fingerprint, as the store keeps it.
    var credential: CredentialFingerprint?
    /// The server said the token is `account`'s.
    var confirmedByServer = false
    /// The server (now or before) said the token is this other person's:
    /// nothing is sent until the host signs in again.
    var mismatch: AccountID?

    /// Nobody.
    static let nobody = SignIn()

    /// What holds a send under this sign-in back for `operation` of
    /// `owner`, or nil when the token may go.
    func refusal(toSendFor owner: AccountID?) -> AccountError? {
        guard account == owner else {
            return AccountError(.accountMismatch, detail: "signed in as someone else now")
        }
        if mismatch != nil {
            return AccountError(.accountMismatch, detail: "the server says the token is another user's")
        }
        guard token != nil else { return AccountError(.unauthorized, detail: "no access token was given") }
        return nil
    }
}
