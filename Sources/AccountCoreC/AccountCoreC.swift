import AccountCore
import AccountSession
import CAccountCore
import Dispatch
import HostTransport
import Libc
import POSIXThread

// The functions of account_core.h. Each is a thin wrapper: it checks the
// pointers and strings, hands the work to AccountSession, and copies the
// answer out. No account logic lives here. `@c @implementation` makes the
// compiler check every signature against the hand-written header.

/// Static texts, made once and never freed. Unchecked: the pointers are
/// written once, by Swift's thread-safe lazy initialization, and the bytes
/// behind them are never written again.
private enum StaticText {
    nonisolated(unsafe) static let version = CStrings.permanent(accountCoreVersion)
    nonisolated(unsafe) static let names: [Int32: UnsafePointer<CChar>?] = Dictionary(
        uniqueKeysWithValues: CallStatus.allCases.map { ($0.rawValue, CStrings.permanent($0.name)) })
    nonisolated(unsafe) static let unknown = CStrings.permanent("AC_UNKNOWN")
}

/// `{"error": ...}` for a bad argument, in English (no session, so no language).
private func argumentError(_ field: String) -> JSONValue {
    Session.errorJSON(AccountError(.invalidInput(.invalidArgument(name: field))),
                      localizer: Localizer(language: .english))
}

/// Every open core. An `ac_core *` is a handle of this registry, never the
/// address of a `CoreHandle`: a call on a closed core, a second `ac_close`
/// or a value never issued finds nothing (`AC_ERR_ARGUMENT`), where a
/// pointer would be memory already freed. A registry rather than handles
/// kept forever and marked closed: nothing leaks per core, and a garbage
/// value is never dereferenced.
private let cores = HandleRegistry<CoreHandle>(tag: 0xC0)

/// `{"error": ...}` for a call on a core that is not open (closed, or never one).
private func closedError() -> JSONValue {
    Session.errorJSON(AccountError(.invalidInput(.invalidArgument(name: "core")),
                                   detail: "closed: no open core has this handle (closed with ac_close, or never opened)"),
                      localizer: Localizer(language: .english))
}

/// Runs `body` with the open core of `core`, counted as a call in flight,
/// or returns nil when `core` names no open core.
///
/// The call is counted under the registry's lock, in the same step as the
/// lookup: `ac_close` takes the core out under that lock before it waits
/// for the calls in flight, so a call racing it either was counted first
/// (and `ac_close` waits for it) or finds nothing; it never runs on a core
/// being torn down.
private func withCore<Value>(_ core: OpaquePointer?, _ body: (CoreHandle) -> Value) -> Value? {
    let value: Value
    let inFlight: DispatchGroup
    do {
        guard let handle = cores.withValue(UInt(bitPattern: core), { handle in handle.enter(); return handle }) else {
            return nil
        }
        inFlight = handle.inFlight
        value = body(handle)
    }
    // The call lets go of the core before it stops counting: the last
    // reference is always ac_close's, dropped on its thread before it
    // returns, never a racing caller's after.
    inFlight.leave()
    return value
}

@c @implementation
public func ac_abi_version() -> UInt32 {
    UInt32(AC_ABI_VERSION)
}

@c @implementation
public func ac_version() -> UnsafePointer<CChar>? {
    StaticText.version
}

@c @implementation
public func ac_status_name(_ s: ac_status) -> UnsafePointer<CChar>? {
    (StaticText.names[s] ?? nil) ?? StaticText.unknown
}

@c @implementation
public func ac_open(_ config_json: UnsafePointer<CChar>?, _ out_core: UnsafeMutablePointer<OpaquePointer?>?,
                    _ out_error_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ac_status {
    open(config_json, transport: nil, out_core, out_error_json)
}

@c @implementation
public func ac_open_with_transport(_ config_json: UnsafePointer<CChar>?, _ transport: UnsafePointer<ac_transport>?,
                                   _ out_core: UnsafeMutablePointer<OpaquePointer?>?,
                                   _ out_error_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ac_status {
    open(config_json, transport: transport, out_core, out_error_json)
}

/// `ac_open` and `ac_open_with_transport`: the app's transport when given,
/// else the library's own.
private func open(_ config_json: UnsafePointer<CChar>?, transport: UnsafePointer<ac_transport>?,
                  _ out_core: UnsafeMutablePointer<OpaquePointer?>?,
                  _ out_error_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ac_status {
    out_core?.pointee = nil
    out_error_json?.pointee = nil
    guard let out_core else {
        out_error_json?.pointee = CStrings.copy(argumentError("out_core"))
        return CallStatus.argument.rawValue
    }
    guard let text = CStrings.read(config_json), let json = JSONValue(parsing: Array(text.utf8)) else {
        out_error_json?.pointee = CStrings.copy(argumentError("config_json"))
        return CallStatus.argument.rawValue
    }
    let status = open(json, transport: transport, out_core, out_error_json)
    // Freed without recursion: a configuration nested to the parser's limit,
    // freed the ordinary way, could overflow a small stack (JSONValue.release).
    JSONValue.release(consume json)
    return status
}

/// `open` with the configuration read.
private func open(_ json: JSONValue, transport: UnsafePointer<ac_transport>?,
                  _ out_core: UnsafeMutablePointer<OpaquePointer?>,
                  _ out_error_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ac_status {
    var endpoint: CTransport?
    if let transport {
        guard let given = CTransport(transport.pointee) else {
            out_error_json?.pointee = CStrings.copy(argumentError("transport"))
            return CallStatus.argument.rawValue
        }
        endpoint = given
    }
    do {
        let configuration = try SessionConfiguration.parse(json)
        let host = endpoint.map {
            HostTransport(endpoint: $0, timeoutMilliseconds: Int((configuration.client.totalTimeout * 1_000).rounded()))
        }
        let session = try Session(configuration: configuration, transport: host, automaticSync: true)
        let handle = CoreHandle(session: session, transport: host)
        guard let issued = cores.issue(handle) else {
            handle.close()
            out_error_json?.pointee = CStrings.copy(Session.errorJSON(
                AccountError(.internal, detail: "too many cores open at once"), localizer: Localizer(language: .english)))
            return CallStatus.internal.rawValue
        }
        out_core.pointee = OpaquePointer(bitPattern: issued)
        return CallStatus.ok.rawValue
    } catch {
        let localizer = Localizer(language: json["language"]?.stringValue.flatMap(Language.init(rawValue:)) ?? .english)
        out_error_json?.pointee = CStrings.copy(Session.errorJSON(error, localizer: localizer))
        return CallStatus(error).rawValue
    }
}

/// The cores being closed, by handle: an `ac_close` racing the one that
/// took the core out of `cores` finds it here, and waits for that close.
private let closing = LockedValue<[UInt: CoreHandle]>([:])

@c @implementation
public func ac_close(_ core: OpaquePointer?) {
    let value = UInt(bitPattern: core)
    // Taken out first: from now on every call on this handle finds nothing;
    // the calls counted before are waited for. Taken and marked closing in
    // one step, so a racing ac_close finds the core in one table or the other.
    let handle = closing.withLock { closing -> CoreHandle? in
        if let taken = cores.take(value) { closing[value] = taken }
        return closing[value]
    }
    guard let handle else { return }
    // The first closes; a racing one returns once that close finished.
    handle.close()
    closing.withLock { _ = $0.removeValue(forKey: value) }
}

@c @implementation
public func ac_set_token(_ core: OpaquePointer?, _ token: UnsafePointer<CChar>?) -> ac_status {
    withCore(core) { handle -> ac_status in
        let text = CStrings.read(token)
        guard token == nil || (text.map { !$0.isEmpty } ?? false) else { return CallStatus.argument.rawValue }
        do throws(AccountError) {
            // A token that is not a bearer token is refused there, before it is kept.
            try handle.session.setToken(text)
            return CallStatus.ok.rawValue
        } catch {
            return CallStatus(error).rawValue
        }
    } ?? CallStatus.argument.rawValue
}

@c @implementation
public func ac_sign_in(_ core: OpaquePointer?, _ account: UnsafePointer<CChar>?,
                       _ token: UnsafePointer<CChar>?) -> ac_status {
    guard account != nil || token != nil else { return CallStatus.argument.rawValue }
    let name = CStrings.read(account), text = CStrings.read(token)
    guard account == nil || name != nil, token == nil || (text.map { !$0.isEmpty } ?? false) else {
        return CallStatus.argument.rawValue
    }
    return withCore(core) { handle in
        do throws(AccountError) {
            try handle.session.signIn(account: name, token: text)
            return CallStatus.ok.rawValue
        } catch {
            return CallStatus(error).rawValue
        }
    } ?? CallStatus.argument.rawValue
}

@c @implementation
public func ac_set_online(_ core: OpaquePointer?, _ online: Int32) -> ac_status {
    guard online == 0 || online == 1 else { return CallStatus.argument.rawValue }
    return withCore(core) { handle in
        do throws(AccountError) {
            try handle.session.setOnline(online == 1)
            return CallStatus.ok.rawValue
        } catch {
            return CallStatus(error).rawValue
        }
    } ?? CallStatus.argument.rawValue
}

@c @implementation
public func ac_set_event_handler(_ core: OpaquePointer?, _ handler: ac_event_handler?,
                                 _ context: UnsafeMutableRawPointer?) -> ac_status {
    withCore(core) { handle in
        handle.setHandler(handler.map { CoreHandle.EventHandler(function: $0, context: context) })
        return CallStatus.ok.rawValue
    } ?? CallStatus.argument.rawValue
}

@c @implementation
public func ac_call(_ core: OpaquePointer?, _ operation: UnsafePointer<CChar>?, _ arguments_json: UnsafePointer<CChar>?,
                    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ac_status {
    out_json?.pointee = nil
    guard let out_json else { return CallStatus.argument.rawValue }
    let status = withCore(core) { handle -> ac_status in
        guard let name = CStrings.read(operation) else {
            out_json.pointee = CStrings.copy(handle.session.json(AccountError(.invalidInput(.invalidArgument(name: "operation")))))
            return CallStatus.argument.rawValue
        }
        var arguments: JSONValue?
        if arguments_json != nil {
            guard let parsed = CStrings.json(arguments_json) else {
                out_json.pointee = CStrings.copy(handle.session.json(AccountError(.invalidInput(.invalidArgument(name: "arguments")))))
                return CallStatus.argument.rawValue
            }
            arguments = parsed
        }
        let session = handle.session
        // The answer is copied out while the call still counts as in flight.
        // What needs no network is answered on the caller's thread; only what
        // waits for the network goes through the concurrency pool.
        // The call is parsed once (`Session.begin`).
        let (status, json): (status: CallStatus, json: [UInt8])
        switch session.begin(name, arguments: arguments) {
        case .answered(let answeredStatus, let answeredJSON): (status, json) = (answeredStatus, answeredJSON)
        case .network(let rest): (status, json) = blocking { await rest() }
        }
        out_json.pointee = CStrings.copy(json)
        // Freed without recursion: arguments nested to the parser's limit,
        // freed the ordinary way, could overflow a small stack
        // (JSONValue.release).
        JSONValue.release(consume arguments)
        return status.rawValue
    }
    guard let status else {
        out_json.pointee = CStrings.copy(closedError())
        return CallStatus.argument.rawValue
    }
    return status
}

@c @implementation
public func ac_string_free(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}

@c @implementation
public func ac_http_respond(_ request: OpaquePointer?, _ status: Int32, _ headers: UnsafePointer<ac_http_header>?,
                            _ header_count: Int, _ body: UnsafePointer<UInt8>?, _ body_length: Int) -> ac_status {
    // The handle first: a second answer, one after ac_close or a value never
    // issued is refused before any of the app's buffers is read.
    guard let exchange = CTransport.exchange(answering: request) else { return CallStatus.argument.rawValue }
    let answer = CAnswer.response(status: status, headers: headers, count: header_count, body: body, length: body_length)
    exchange.answer(answer.outcome)
    return answer.malformed ? CallStatus.argument.rawValue : CallStatus.ok.rawValue
}

@c @implementation
public func ac_http_fail(_ request: OpaquePointer?, _ failure: ac_http_failure, _ detail: UnsafePointer<CChar>?) -> ac_status {
    guard let exchange = CTransport.exchange(answering: request) else { return CallStatus.argument.rawValue }
    let answer = CAnswer.failure(failure, detail: detail)
    exchange.answer(.failure(answer.0))
    return answer.unknown ? CallStatus.argument.rawValue : CallStatus.ok.rawValue
}
