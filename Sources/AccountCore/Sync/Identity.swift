import POSIXThread

/// Who the engine acts for, and whose a token is: the sign-in (the person,
/// the token, its keyed fingerprint, and what the server said of it), and
/// the row moves that follow when whose a token is becomes known (a
/// token-only person's rows get their account; what was made under another
/// person's token is set aside). The token lives in memory only; the store
/// keeps its fingerprint, to know offline whose it is.
///
/// The engine owns it, over the engine's store. `AuthorizedSender` reads it
/// at the instant a token is attached (`current`) and tells it what the
/// server said (`learned`, `install` for a fresh token); it writes no
/// outbox, cache or audit row.
package final class Identity: Sendable {
    private let store: AccountStore
    private let backend: any AccountBackend
    private let clock: any WallClock
    private let signedIn = LockedValue(SignIn.nobody)
    /// The key of the token fingerprints (the app's, or the store's own), read once.
    private let fingerprintKey: [UInt8]

    init(store: AccountStore, backend: any AccountBackend, clock: any WallClock) throws(AccountError) {
        self.store = store
        self.backend = backend
        self.clock = clock
        self.fingerprintKey = try store.fingerprintKey()
    }

    /// Who is signed in, with what, read at once.
    var current: SignIn { signedIn.withLock { $0 } }

    /// Signs in `account` (the back end's user id) with `token`.
    ///
    /// With `account` nil it learns whose the token is: from the
    /// store when it saw the token before, from the server where the back
    /// end can say; until then the person is known only by this token, and
    /// only it sends their operations. With `token` nil the person is
    /// signed in without one: what they do is queued, and sent once a token
    /// of theirs comes. Both nil: nobody is signed in.
    ///
    /// Throws `accountMismatch`, and changes nothing, when the server said
    /// before that `token` is another user's; `invalidInput` for an empty
    /// `account`, one with control characters or over 256 bytes, and
    /// `invalidInput(.invalidToken)` for a token that is not a bearer token
    /// (`BearerToken`).
    package func signIn(account userID: String?, token: String?) throws(AccountError) {
        if let userID, userID.isEmpty || userID.utf8.count > 256
            || userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AccountError(.invalidInput(.invalidConfiguration(field: "account")))
        }
        if let token { try BearerToken.validate(token) }
        let named = userID.map { AccountID(backend: backend.name, userID: $0) }
        guard let token else {
            signedIn.withLock { $0 = SignIn(account: named) }
            return
        }
        let next = try signIn(token: token, as: named)
        if next.mismatch != nil {
            throw AccountError(.accountMismatch, detail: "the server said before that this token is another user's")
        }
        signedIn.withLock { $0 = next }
    }

    /// Replaces the access token of the signed-in person (nil clears it),
    /// as after a refresh: the new token is taken to be theirs. Where the
    /// back end can say whose a token is, that is checked before it is sent
    /// for them. With nobody signed in, as `signIn(account: nil, token:)`.
    /// Throws `invalidInput(.invalidToken)`, and changes nothing, for a
    /// token that is not a bearer token (`BearerToken`).
    package func setToken(_ token: String?) throws(AccountError) {
        if let token { try BearerToken.validate(token) }
        install(token)
    }

    /// Installs `token`, which `BearerToken` accepted (see `setToken`).
    func install(_ token: String?) {
        // Installed only over the sign-in it was worked out from: a sign-in
        // that came meanwhile (another thread, the host) is never undone.
        while true {
            let current = signedIn.withLock { $0 }
            var next = SignIn(account: current.account)
            if let token {
                // The store failing here leaves the person known only by this
                // token, which sends nothing of anyone else's.
                next = (try? signIn(token: token, as: current.account))
                    ?? SignIn(account: current.account ?? .unconfirmed(backend: backend.name), token: token,
                              credential: fingerprint(of: token))
            }
            let installed = signedIn.withLock { state -> Bool in
                guard state.account == current.account, state.credential == current.credential else { return false }
                state = next
                return true
            }
            if installed { return }
        }
    }

    /// Signs out: forgets the token and who was signed in; returns who that was.
    @discardableResult
    package func signOut() -> AccountID? {
        signedIn.withLock { state in
            defer { state = .nobody }
            return state.account
        }
    }

    private func fingerprint(of token: String) -> CredentialFingerprint {
        CredentialFingerprint(token: token, backend: backend.name, key: fingerprintKey)
    }

    /// The sign-in for `token` as `person` (nil: learn whose it is), with
    /// what the store knows of the token recorded and applied.
    private func signIn(token: String, as person: AccountID?) throws(AccountError) -> SignIn {
        let credential = fingerprint(of: token)
        let at = clock.now()
        return try store.write { database -> SignIn in
            var state = SignIn(account: person, token: token, credential: credential)
            let known = try database.credentialOwner(credential)
                ?? database.outboxOwner(madeUnder: credential).map { CredentialOwner(account: $0, confirmed: false) }
            switch (person, known) {
            case (let person?, let known?) where known.account == person:
                state.confirmedByServer = known.confirmed
            case (_?, let known?) where known.confirmed:
                // The server said whose it is, and it is not `person`'s.
                state.mismatch = known.account
            case (let person?, let known):
                // The host names the person behind the token. Where the back
                // end cannot say whose a token is, the host's word is the
                // only one: what was theirs while known only by the token
                // becomes the named one's. Where it can, the server's answer
                // decides (`learned`): the host's word is kept only for a
                // token the store knew nothing of, so a host that hands over
                // the wrong token moves nothing of anyone's.
                if !backend.capabilities.profile {
                    if let known, !known.account.isKnown { try database.merge(known.account, into: person) }
                } else if known != nil {
                    break
                }
                try database.saveCredential(credential, CredentialOwner(account: person, confirmed: false), at: at)
            case (nil, let known?):
                state.account = known.account
                state.confirmedByServer = known.confirmed
            case (nil, nil):
                let unnamed = AccountID.unconfirmed(backend: backend.name)
                try database.saveCredential(credential, CredentialOwner(account: unnamed, confirmed: false), at: at)
                state.account = unnamed
            }
            return state
        }
    }

    /// The server said the token behind `credential`, sent for `owner`, is
    /// `userID`'s. Records it; a person known only by the token (or by its
    /// refreshes) becomes that account; for anyone else it is a mismatch,
    /// and what was made under the token for them is set aside, never sent.
    /// Returns whose the answer is.
    func learned(userID: String, credential: CredentialFingerprint,
                         sentFor owner: AccountID) throws(AccountError) -> AccountID {
        let truth = AccountID(backend: backend.name, userID: userID)
        let at = clock.now()
        try store.write { database in
            try database.saveCredential(credential, CredentialOwner(account: truth, confirmed: true), at: at)
            try database.adoptUnnamed(madeUnder: credential, into: truth)
            if !owner.isKnown {
                try database.merge(owner, into: truth)
            } else if owner != truth {
                try database.setAside(madeUnder: credential, notOwnedBy: truth,
                                      reason: AccountClient.describe(AccountError(.accountMismatch)), at: at)
            }
        }
        signedIn.withLock { state in
            if state.account == owner, !owner.isKnown { state.account = truth }
            guard state.credential == credential else { return }
            if state.account == truth { state.confirmedByServer = true } else { state.mismatch = truth }
        }
        return truth
    }

    /// Whether asking the server whose the token is could tell more: the
    /// signed-in person is known only by the token, the back end can say,
    /// and someone else of the back end has operations queued that could
    /// turn out to be theirs.
    var canLearnWhoIsSignedIn: Bool {
        guard backend.capabilities.profile,
              let person = signedIn.withLock({ $0.token != nil && !$0.confirmedByServer ? $0.account : nil }),
              !person.isKnown else { return false }
        return (try? store.read { database in try database.othersHaveQueued(besides: person) }) ?? false
    }
}
