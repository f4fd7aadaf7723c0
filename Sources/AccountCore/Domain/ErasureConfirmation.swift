/// A GDPR erasure goes ahead only when the user typed the confirmation phrase
/// exactly: no trimming, no case folding, because the typing is the consent.
package enum ErasureConfirmation {
    /// The phrase to type.
    package static let phrase = "DELETE_MY_ACCOUNT"

    /// Whether `typed` is exactly the phrase.
    package static func accepts(_ typed: String) -> Bool {
        // Compare bytes: String's == treats canonically equivalent text as
        // equal, and consent is to the exact characters shown.
        typed.utf8.elementsEqual(phrase.utf8)
    }
}
