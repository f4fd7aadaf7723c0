/// The one rule for what may go as a bearer token: RFC 6750's `b64token`,
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
///
/// Everything else (a space, a control character, CR or LF, any other
/// byte) is refused before the token is kept, so it can never split the
/// `Authorization` header into a second field (as libcurl refuses CR and LF
/// in a header value). Every door checks here: `Identity.signIn` and
/// `setToken` (which `SyncEngine`, `Session`, `ac_sign_in`, `ac_set_token`
/// and `acct` go through), a refreshed token and a token a back end hands
/// out (`AuthorizedSender`).
package enum BearerToken {
    /// Whether `token` is a `b64token`: at least one of the token
    /// characters, then only `=` padding.
    package static func isValid(_ token: String) -> Bool {
        var bytes = token.utf8[...]
        while bytes.last == UInt8(ascii: "=") { bytes = bytes.dropLast() }
        return !bytes.isEmpty && bytes.allSatisfy(isTokenCharacter)
    }

    /// Throws `invalidInput(.invalidToken)` for a token `isValid` refuses.
    /// The error never holds the token.
    package static func validate(_ token: String) throws(AccountError) {
        guard isValid(token) else { throw AccountError(.invalidInput(.invalidToken)) }
    }

    /// ALPHA, DIGIT, "-", ".", "_", "~", "+" or "/".
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
             UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
