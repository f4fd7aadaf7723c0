/// The back ends the emulator speaks, each on its own paths of one server.
package enum EmulatedBackend: String, Sendable, CaseIterable, Codable {
    /// Deletion with a 28-day grace period, cancel, finalize now, rename. `/api/v1/…`
    case allmine
    /// GDPR erasure with a confirmation phrase, 7-day grace. `/api/users/me/erase`
    case mudbase
    /// Deletion scheduled after N days, aborted by logging in. `/auth/…`
    case ovok
}
