import AccountCore
import FoundationEssentials
import Libc

/// Turns each HTTP request into the emulated back end's answer: logs it,
/// applies an injected fault, and otherwise lets the back end answer inside
/// one state transaction.
struct Router: Sendable {
    let state: EmulatorState
    let clock: EmulatorClock
    let faults: FaultBook
    let log: RequestLog
    let control: ControlAPI?
    /// Fired when the emulator stops: a delayed answer stops waiting.
    let stopping: StopSignal

    func handle(_ request: HTTPRequest) -> HTTPReply {
        if request.path.hasPrefix(ControlAPI.prefix) {
            guard let control else { return .response(.json(404, ["error": "the control API is off"])) }
            return .response(control.handle(request))
        }
        let seq = log.record(request, at: clock.now())
        let reply = answer(request)
        switch reply {
        case .response(let response): log.finish(seq, with: response)
        case .dropConnection: log.finish(seq, with: nil)
        }
        return reply
    }

    private func answer(_ request: HTTPRequest) -> HTTPReply {
        let language = request.headers["X-Language"].flatMap(Language.init(rawValue:)) ?? .english
        guard let fault = faults.take(method: request.method, path: request.path) else {
            return .response(backendResponse(request, language: language))
        }
        switch fault.mode {
        case .serverError:
            return .response(errorResponse(500, request: request, language: language))
        case .status:
            return .response(errorResponse(fault.status, request: request, language: language))
        case .badGateway:
            var headers = HTTPHeaders()
            headers.set("Content-Type", "text/html")
            let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
            return .response(HTTPResponse(status: 502, headers: headers, body: Array(page.utf8)))
        case .rateLimited, .unavailable:
            var headers = HTTPHeaders()
            headers.set("Retry-After", String(fault.retryAfter))
            return .response(errorResponse(fault.mode == .rateLimited ? 429 : 503, request: request,
                                           language: language, headers: headers))
        case .closeBeforeAnswer:
            return .dropConnection
        case .applyThenClose:
            _ = backendResponse(request, language: language)
            return .dropConnection
        case .delay:
            // Stopping ends the wait: the emulator is going away, and its
            // stop must not wait out a long delay.
            if stopping.wait(milliseconds: fault.delayMilliseconds) { return .dropConnection }
            return .response(backendResponse(request, language: language))
        case .allmineWithoutEnvelope:
            var response = backendResponse(request, language: language)
            if let data = JSONValue(parsing: response.body)?["data"], response.status == 200 {
                response.body = data.encoded
            }
            return .response(response)
        case .ovokScheduledEmptyObject:
            var response = backendResponse(request, language: language)
            if case .object(var members)? = JSONValue(parsing: response.body), members["scheduled"] != nil {
                members["scheduled"] = .object([:])
                response.body = JSONValue.object(members).encoded
            }
            return .response(response)
        case .notJSON:
            _ = backendResponse(request, language: language)
            var headers = HTTPHeaders()
            headers.set("Content-Type", "application/json")
            return .response(HTTPResponse(status: 200, headers: headers, body: Array("{\"isSuccess\": tru".utf8)))
        case .wrongFieldType:
            var response = backendResponse(request, language: language)
            if let json = JSONValue(parsing: response.body) {
                response.body = Self.replacingStrings(in: json).encoded
            }
            return .response(response)
        case .redirect:
            var headers = HTTPHeaders()
            headers.set("Location", request.path + "?redirected=1")
            return .response(HTTPResponse(status: 302, headers: headers))
        }
    }

    /// `json` with every string member of its payload (Allmine's `data`, or
    /// the object itself) replaced by 42.
    private static func replacingStrings(in json: JSONValue) -> JSONValue {
        guard case .object(var members) = json else { return json }
        if case .object? = members["data"], let data = members["data"] {
            members["data"] = replacingStrings(in: data)
            return .object(members)
        }
        for (key, value) in members where value.stringValue != nil { members[key] = 42 }
        return .object(members)
    }

    private func backendResponse(_ request: HTTPRequest, language: Language) -> HTTPResponse {
        do {
            return try state.transaction { transaction in
                let exchange = Exchange(request: request, now: clock.now(), language: language, state: transaction,
                                        finalizeNowEnabled: try transaction.setting(Settings.finalizeNow) != "false")
                if AllmineBackend.handles(request.path) { return try AllmineBackend().respond(exchange) }
                if MudbaseBackend.handles(request.path) { return try MudbaseBackend().respond(exchange) }
                if OvokBackend.handles(request.path) { return try OvokBackend().respond(exchange) }
                return .json(404, ["error": .string("no back end serves \(request.path)")])
            }
        } catch {
            return errorResponse(500, request: request, language: language)
        }
    }

    /// An error status in the shape of the back end that owns the path.
    private func errorResponse(_ status: Int, request: HTTPRequest, language: Language,
                               headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        let message = ServerText.forStatus(status).text(in: language)
        if AllmineBackend.handles(request.path) {
            return AllmineBackend.envelopedError(status, message, now: clock.now(), headers: headers)
        }
        if OvokBackend.handles(request.path) { return OvokBackend.errorBody(status, message, headers: headers) }
        return MudbaseBackend.errorBody(status, message, headers: headers)
    }
}

/// Names of the emulator's settings.
enum Settings {
    static let finalizeNow = "finalizeNow"
    static let clockOffset = "clockOffset"
}
