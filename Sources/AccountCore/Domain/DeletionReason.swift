/// The free-text reason a user may give for leaving.
package enum DeletionReason {
    /// The longest reason accepted, in characters (Allmine's documented limit,
    /// applied to every back end so no client sends an unbounded text).
    public static let maximumLength = 500

    /// Fails when `reason` is longer than `maximumLength` characters.
    public static func validate(_ reason: String?) throws(InputProblem) {
        guard let reason else { return }
        let length = reason.count
        guard length <= maximumLength else { throw .reasonTooLong(length: length, maximum: maximumLength) }
    }
}
