import AccountCore

/// The web console at `/__emulator/console`: one page of our own with its
/// script, style sheet and icon, all compiled into the emulator, which
/// load nothing from anywhere else. It shows the accounts and the logs
/// live (the script polls the control API) and acts through the control
/// API, so it answers only when that is on.
///
/// Every file is sent with a Content-Security-Policy that allows the
/// emulator's own origin only: the script and the style are files of their
/// own, never inline, so the policy needs no `'unsafe-inline'`.
enum WebConsole {
    /// The page's path; its files are under it.
    static let path = ControlAPI.prefix + "console"

    /// Scripts, styles, images, fetches and forms from this origin only; no
    /// framing, no `<base>` elsewhere.
    static let contentSecurityPolicy = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

    /// The console's answer to `request`; nil for a path that is not the console's.
    static func response(to request: HTTPRequest) -> HTTPResponse? {
        guard request.path == path || request.path.hasPrefix(path + "/") else { return nil }
        let language = ConsoleLanguage.chosen(for: request)
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = file(405, "text/plain", ConsoleTexts.text(.methodNotAllowed, language) + "\n")
            response.headers.set("Allow", "GET, HEAD")
            return response
        }
        return switch String(request.path.dropFirst(path.count)) {
        case "", "/": file(200, "text/html", ConsolePage.html(language))
        case "/console.js": file(200, "text/javascript", ConsoleScript.text)
        case "/console.css": file(200, "text/css", ConsoleStyle.text)
        case "/icon.svg": file(200, "image/svg+xml", icon)
        case let other: file(404, "text/plain", ConsoleTexts.text(.notFound, language, ["path": other]) + "\n")
        }
    }

    private static func file(_ status: Int, _ type: String, _ text: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Content-Type", type + "; charset=utf-8")
        headers.set("Content-Security-Policy", contentSecurityPolicy)
        headers.set("X-Content-Type-Options", "nosniff")
        headers.set("Referrer-Policy", "no-referrer")
        // The page is made for each request (its language), and a new
        // emulator build must not meet an old script.
        headers.set("Cache-Control", "no-store")
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A tick on a dark square, so the browser asks for no `/favicon.ico`
    /// (which the back ends would log as a request).
    private static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">\
        <rect width="32" height="32" rx="7" fill="#1d3557"/>\
        <path d="M9 17l5 5 9-11" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>\
        </svg>

        """
}
