
/// Why input was refused before anything was sent.
public enum InputProblem: Error, Hashable, Sendable {
    /// The username breaks the policy.
    case username(UsernameProblem)
    /// The erasure confirmation is not exactly the phrase.
    case confirmationMismatch
    /// The days of a scheduled deletion are outside the allowed range.
    case daysOutOfRange(Int, allowed: ClosedRange<Int>)
    /// The reason is longer than the back end accepts.
    case reasonTooLong(length: Int, maximum: Int)
    /// The username may not change before this instant.
    case usernameCooldown(until: Instant)
    /// The server refused the request as invalid (HTTP 400, 422 and other 4xx).
    case rejectedByServer(status: Int)
    /// A configuration value is missing or malformed; names the field.
    case invalidConfiguration(field: String)
    /// An argument of a call is missing, of the wrong type, or unknown;
    /// names it ("newUsername", "arguments", "operation", "core").
    case invalidArgument(name: String)
    /// This back end cancels by logging in: e-mail and password are needed.
    case credentialsRequired
    /// This build has no HTTP client of its own (it was built without
    /// libcurl): the host app must give its transport.
    case transportRequired
    /// The access token holds a character a bearer token may not (RFC
    /// 6750's `b64token`: letters, digits, `-._~+/`, then `=` padding):
    /// refused before it reached a header. Since 1.3.0.
    case invalidToken
    /// The base URL is `http://` to a host other than this device's
    /// loopback, and clear text was not allowed (`allowInsecureHTTP`).
    /// Since 1.3.0.
    case insecureBaseURL
}
