import AccountCore

/// The console's one HTML page, in one language. It holds no data: the
/// script (`ConsoleScript`) fills it from the control API. The texts the
/// script needs travel in a JSON data block, which is never run, so the
/// policy's `script-src 'self'` allows it.
enum ConsolePage {
    static func html(_ language: Language) -> String {
        func t(_ key: TextKey) -> String { escaped(ConsoleTexts.text(key, language)) }
        func languageLink(_ code: Language, _ name: String) -> String {
            let current = code == language ? " aria-current=\"page\"" : ""
            return "<a href=\"?lang=\(code.rawValue)\" hreflang=\"\(code.rawValue)\" lang=\"\(code.rawValue)\"\(current)>\(name)</a>"
        }
        let modes = Fault.Mode.allCases.map { mode in
            "<option value=\"\(mode.rawValue)\">\(t(ConsoleTexts.key(of: mode)))</option>"
        }.joined(separator: "\n")
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].map { "<option value=\"\($0)\">\($0)</option>" }.joined()
        let paths = knownPaths.map { "<option value=\"\($0)\"></option>" }.joined()
        let backends = EmulatedBackend.allCases.map { "<option value=\"\($0.rawValue)\">\(backendName($0))</option>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t(.title))</title>
            <link rel="icon" href="\(WebConsole.path)/icon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="\(WebConsole.path)/console.css">
            <script src="\(WebConsole.path)/console.js" defer></script>
            <script type="application/json" id="console-data">\(data(language))</script>
            </head>
            <body>
            <header>
              <div class="brand">
                <h1>\(t(.title))</h1>
                <p class="tagline">\(t(.tagline))</p>
              </div>
              <div class="clock"><span class="label">\(t(.clock))</span> <time id="clock-now">–</time> <span id="clock-offset"></span></div>
              <nav class="languages" aria-label="\(t(.languages))">\(languageLink(.english, "English")) \(languageLink(.turkish, "Türkçe"))</nav>
              <p id="status" role="status"><noscript>\(t(.noScript))</noscript></p>
            </header>
            <main>
            <div class="column">
            <section id="accounts" class="panel">
              <h2>\(t(.accounts))</h2>
              <div id="account-tables"></div>
            </section>
            <section id="requests" class="panel">
              <div class="heading"><h2>\(t(.requests))</h2><button type="button" id="clear-log" class="secondary">\(t(.clearLog))</button></div>
              <table>
                <thead><tr><th>\(t(.columnTime))</th><th>\(t(.columnMethod))</th><th>\(t(.columnPath))</th><th>\(t(.columnStatus))</th><th class="number">\(t(.columnLatency))</th><th class="number">\(t(.columnConnection))</th><th>Idempotency-Key</th><th>\(t(.columnHeaders))</th></tr></thead>
                <tbody id="request-rows"></tbody>
              </table>
              <p class="empty" id="no-requests">\(t(.noRequests))</p>
            </section>
            <section id="mutations" class="panel">
              <h2>\(t(.mutations))</h2>
              <table>
                <thead><tr><th class="number">#</th><th>\(t(.columnTime))</th><th>\(t(.columnBackend))</th><th>\(t(.columnUser))</th><th>\(t(.columnAction))</th><th>\(t(.columnRequest))</th><th>Idempotency-Key</th></tr></thead>
                <tbody id="mutation-rows"></tbody>
              </table>
              <p class="empty" id="no-mutations">\(t(.noMutations))</p>
            </section>
            </div>
            <aside id="actions" class="panel">
              <h2>\(t(.actions))</h2>
              <form id="fault-form" class="card" novalidate>
                <h3>\(t(.fault))</h3>
                <div class="row">
                  <label class="narrow">\(t(.columnMethod))<select id="fault-method">\(methods)</select></label>
                  <label class="wide">\(t(.columnPath))<input id="fault-path" list="known-paths" value="/api/v1/users/me/account-deletion" autocomplete="off" spellcheck="false"></label>
                </div>
                <datalist id="known-paths">\(paths)</datalist>
                <label>\(t(.fieldMode))<select id="fault-mode">
            \(modes)
                </select></label>
                <div class="row">
                  <label>\(t(.fieldCount))<input id="fault-count" type="number" inputmode="numeric" min="1" max="100000" value="1"></label>
                  <label data-for-modes="rateLimited unavailable">\(t(.fieldRetryAfter))<input id="fault-retry-after" type="number" inputmode="numeric" min="0" max="86400" value="1"></label>
                  <label data-for-modes="delay">\(t(.fieldDelay))<input id="fault-delay" type="number" inputmode="numeric" min="0" max="600000" value="2000"></label>
                  <label data-for-modes="status">\(t(.fieldStatus))<input id="fault-status" type="number" inputmode="numeric" min="400" max="599" value="500"></label>
                </div>
                <button type="submit" id="inject">\(t(.inject))</button>
                <p class="result" id="fault-result" role="status"></p>
                <h4>\(t(.faults))</h4>
                <ul id="fault-list"></ul>
                <button type="button" id="clear-faults" class="secondary">\(t(.clearFaults))</button>
              </form>
              <form id="clock-form" class="card" novalidate>
                <h3>\(t(.advance))</h3>
                <div class="row">
                  <label>\(t(.fieldDays))<input id="clock-days" type="number" inputmode="numeric" min="0" max="3650" value="1"></label>
                  <label>\(t(.fieldHours))<input id="clock-hours" type="number" inputmode="numeric" min="0" max="87600" value="0"></label>
                </div>
                <button type="submit" id="advance">\(t(.advanceButton))</button>
                <p class="result" id="clock-result" role="status"></p>
              </form>
              <div class="card">
                <h3>\(t(.job))</h3>
                <button type="button" id="run-job">\(t(.runJob))</button>
                <p class="result" id="job-result" role="status"></p>
                <label class="check"><input type="checkbox" id="finalize-now"> \(t(.finalizeNow))</label>
                <p class="result" id="flag-result" role="status"></p>
              </div>
              <form id="user-form" class="card" novalidate>
                <h3>\(t(.makeUser))</h3>
                <div class="row">
                  <label class="narrow">\(t(.columnBackend))<select id="user-backend">\(backends)</select></label>
                  <label class="wide">\(t(.fieldUsername))<input id="user-username" autocomplete="off" spellcheck="false" maxlength="30"></label>
                </div>
                <button type="submit" id="make-user">\(t(.make))</button>
                <p class="result" id="user-result" role="status"></p>
                <button type="button" id="copy-token" class="secondary" disabled>\(t(.copyToken))</button>
                <p class="result" id="copy-result" role="status"></p>
              </form>
            </aside>
            </main>
            </body>
            </html>

            """
    }

    /// The paths the back ends answer, offered for a fault.
    static let knownPaths = [
        "/api/v1/users/me", "/api/v1/users/me/stats", "/api/v1/users/me/account-deletion",
        "/api/v1/users/me/account-deletion/finalize-now", "/api/v1/users/username",
        "/api/users/me/erase", "/auth/delete", "/auth/login",
    ]

    static func backendName(_ backend: EmulatedBackend) -> String {
        switch backend {
        case .allmine: "Allmine"
        case .mudbase: "Mudbase"
        case .ovok: "Ovok"
        }
    }

    /// What the script needs: its texts, the modes' labels, the back ends'
    /// names. `<` is written `\u003c`, so no text can close the block.
    private static func data(_ language: Language) -> String {
        let value: JSONValue = [
            "texts": ConsoleTexts.json(language),
            "modes": .object(Dictionary(uniqueKeysWithValues: Fault.Mode.allCases.map {
                ($0.rawValue, JSONValue.string(ConsoleTexts.text(ConsoleTexts.key(of: $0), language)))
            })),
            "backends": .object(Dictionary(uniqueKeysWithValues: EmulatedBackend.allCases.map {
                ($0.rawValue, JSONValue.string(backendName($0)))
            })),
        ]
        return String(decoding: value.encoded, as: UTF8.self).replacing("<", with: "\\u003c")
    }

    private static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
