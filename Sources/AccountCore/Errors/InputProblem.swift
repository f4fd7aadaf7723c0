
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
}
