import SQLiteDB

extension Database {
    /// Keeps what the server said (`outcome`) as the account's last known
    /// deletion status, profile and username cooldown; inside the caller's
    /// transaction, so the sync engine can record it with the operation's
    /// removal from the outbox. Kept under `environment`, the one the
    /// server belongs to.
    func remember(_ outcome: BackendOutcome, for account: AccountID, in environment: ServerEnvironment,
                  asOf: Instant) throws {
        if let deletion = outcome.deletion {
            try saveCache(deletion, for: account, in: environment, source: .server, asOf: asOf)
        }
        if let profile = outcome.profile {
            try saveCache(profile, for: account, in: environment, source: .server, asOf: asOf)
            try saveCache(UsernameCooldown(lastChangedAt: profile.usernameChangedAt), for: account, in: environment, source: .server, asOf: asOf)
        }
        if let change = outcome.usernameChange {
            let changedAt = change.nextChangeAllowedAt.map {
                $0.adding(seconds: -Double(UsernameCooldown.days) * 86_400)
            } ?? asOf
            try saveCache(UsernameCooldown(lastChangedAt: changedAt), for: account, in: environment, source: .server, asOf: asOf)
            if var profile = try cachedValue(AccountProfile.self, for: account, in: environment)?.value {
                profile.username = change.newUsername
                profile.usernameChangedAt = changedAt
                profile.nextUsernameChangeAllowedAt = change.nextChangeAllowedAt
                try saveCache(profile, for: account, in: environment, source: .server, asOf: asOf)
            }
        }
    }
}
