/// A deletion scheduled after a chosen number of days, with an optional wipe
/// of the data tied to the account.
package struct ScheduledDeletion: Hashable, Sendable {
    /// The days a user may choose.
    package static let allowedDays = 1...365
    /// The days used when the user chooses none.
    package static let defaultDays = 30

    /// Days until the deletion.
    package let days: Int
    /// Whether the data is wiped too.
    package let wipe: Bool

    /// Validates `days` (1 to 365).
    package init(days: Int = ScheduledDeletion.defaultDays, wipe: Bool = false) throws(InputProblem) {
        guard Self.allowedDays.contains(days) else {
            throw .daysOutOfRange(days, allowed: Self.allowedDays)
        }
        self.days = days
        self.wipe = wipe
    }
}
