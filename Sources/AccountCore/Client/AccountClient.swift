/// One exchange with the back end, whatever back end the product uses:
/// validate, build the request, send it through the transport with the
/// headers it is given, decode.
///
/// Every operation validates its input first (no request leaves for an
/// invalid username, a wrong confirmation, days out of range or an operation
/// the back end lacks) and every mutation carries an `Idempotency-Key`. The
/// client holds nothing that changes: no store, no sign-in, no token, no
/// clock skew. Who is signed in, whose a token is, and when a token may be
/// attached are the engine's (`AuthorizedSender`, `Identity`), which hands
/// the client the token it checked; the engine keeps answers in the cache
/// and the audit trail, queues what may wait, and wipes after a finalize.
package final class AccountClient: Sendable {
    /// The back end plugin.
    package let backend: any AccountBackend
    /// How the client reaches it.
    package let configuration: ClientConfiguration
    /// What carries the requests.
    private let transport: any HTTPTransport
    /// The injected clock: the device's time (the engine corrects it by the
    /// server's, `AuthorizedSender.now`).
    package let clock: any WallClock

    /// Creates a client that reaches its back end through `transport`.
    /// Throws `invalidInput(.invalidConfiguration)` for a configuration
    /// value that must not leave the device.
    package init(backend: any AccountBackend, configuration: ClientConfiguration,
                 transport: any HTTPTransport, clock: any WallClock = SystemClock()) throws(AccountError) {
        try configuration.validate()
        self.backend = backend
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    /// Where a drain runs to send request after request without a thread
    /// hand-off (`HTTPTransport.preferredExecutor`); nil for anywhere.
    var preferredExecutor: (any TaskExecutor)? { transport.preferredExecutor }

    /// What the back end can do.
    package var capabilities: BackendCapabilities { backend.capabilities }

    // MARK: The exchange

    /// `operation` as it is sent, after the checks that need neither server
    /// nor store: capability and input (a username parsed, its ASCII
    /// capitals folded). The engine adds the rules that need the cache: a
    /// rename's cooldown.
    package func validated(_ operation: BackendOperation) throws(AccountError) -> BackendOperation {
        // A name is checked before the capability, as it always was.
        var operation = operation
        if case .changeUsername(let name) = operation { operation = .changeUsername(try Username(parsing: name).value) }
        let capabilities = backend.capabilities
        guard capabilities.allows(operation) else { throw AccountError(.unsupported) }
        switch operation {
        case .requestDeletion(let reason, let days, let wipe):
            try validate(reason: reason)
            if let days {
                guard let allowed = capabilities.customDays else { throw AccountError(.unsupported, detail: "days") }
                guard allowed.contains(days) else { throw AccountError(.invalidInput(.daysOutOfRange(days, allowed: allowed))) }
            }
            if wipe == true, !capabilities.wipe { throw AccountError(.unsupported, detail: "wipe") }
        case .cancelDeletion(let credentials):
            if capabilities.cancellation == .login {
                guard let credentials, !credentials.email.isEmpty, !credentials.password.isEmpty else {
                    throw AccountError(.invalidInput(.credentialsRequired))
                }
            }
        case .erase(let confirmation, let reason):
            guard ErasureConfirmation.accepts(confirmation) else { throw AccountError(.invalidInput(.confirmationMismatch)) }
            try validate(reason: reason)
        case .changeUsername, .profile, .stats, .deletionStatus, .finalizeDeletion:
            break
        }
        return operation
    }

    private func validate(reason: String?) throws(AccountError) {
        do {
            try DeletionReason.validate(reason)
        } catch {
            throw AccountError(.invalidInput(error))
        }
    }

    /// The back end's request for `operation`, at `now` on the server's clock.
    func request(for operation: BackendOperation, at now: Instant) throws(AccountError) -> BackendRequest {
        try backend.request(for: operation, context: BackendContext(configuration: configuration, now: now))
    }

    /// Decodes the answer to `operation`, at `now` on the server's clock:
    /// the back end's outcome for a 2xx, its error otherwise.
    func decode(_ response: BackendResponse, for operation: BackendOperation,
                at now: Instant) throws(AccountError) -> BackendOutcome {
        guard (200..<300).contains(response.status) else {
            throw AccountError.forStatus(response, serverMessage: backend.serverMessage(in: response))
        }
        return try backend.decodeSuccess(response, for: operation, context: BackendContext(configuration: configuration, now: now))
    }

    /// Sends `request` with `token` (the caller checked it is the owner's;
    /// nil for none) and `idempotencyKey` as headers, and returns the answer
    /// with its header names lowercased.
    func send(_ request: BackendRequest, token: String?,
              idempotencyKey: UniqueID?) async throws(AccountError) -> BackendResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey.description)) }
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        headers += request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let outgoing = TransportRequest(method: request.method, url: configuration.trimmedBaseURL + request.path,
                                        headers: headers, body: request.body?.bytes)
        do {
            let response = try await transport.send(outgoing)
            var lowercased: [String: String] = [:]
            for header in response.headers where lowercased[header.name.lowercased()] == nil {
                lowercased[header.name.lowercased()] = header.value
            }
            return BackendResponse(status: response.status, headers: lowercased, body: response.body)
        } catch {
            throw AccountError(mapping: error)
        }
    }

    static func describe(_ error: AccountError) -> String {
        [error.code.rawValue, error.httpStatus.map(String.init), error.detail].compactMap { $0 }.joined(separator: ": ")
    }
}
