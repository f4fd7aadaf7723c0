import AccountCore
import AccountEmulator
@testable import AcctShell
import FoundationEssentials
import SQLiteDB
import Testing
import TestSupport

/// What a hostile server puts in every text field: a screen clear, a window
/// title (OSC 0), a clipboard write (OSC 52), a CSI as U+009B and a
/// right-to-left override, then letters that must still be seen.
private let hostile = "\u{1B}[2J\u{1B}]0;pwned\u{07}\u{1B}]52;c;aGk=\u{07}\u{9B}31m\u{202E}evil"
/// `hostile` as acct shows it, written out by hand.
private let shown = #"\u{1B}[2J\u{1B}]0;pwned\u{7}\u{1B}]52;c;aGk=\u{7}\u{9B}31m\u{202E}evil"#

/// A loopback server that answers Allmine's and Mudbase's calls with
/// `hostile` in every text field, and fails where it is asked to.
private struct HostileServer {
    let server: HTTPServer

    var base: String { "http://127.0.0.1:\(server.port)" }

    init() throws {
        server = try HTTPServer { request in .response(Self.answer(request)) }
    }

    private static func json(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(body.encoded))
    }

    /// Allmine's envelope around `data`, its errors hostile too.
    private static func envelope(_ status: Int, _ data: JSONValue, errors: [String] = ["error" + hostile]) -> HTTPResponse {
        json(status, ["isSuccess": .bool(status < 300), "statusCode": .integer(Int64(status)), "data": data,
                      "errors": .array(errors.map(JSONValue.string)), "note": .string(hostile)])
    }

    private static func answer(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/api/v1/users/me"):
            return envelope(200, ["id": .string("id" + hostile), "username": .string("mal" + hostile + "\nDeleted.\t!"), "isLocked": false,
                                  "usernameChangedAt": .string(hostile), "nextUsernameChangeAllowedAt": .string(hostile),
                                  "displayName": .string(hostile), "email": .string(hostile)])
        case ("GET", "/api/v1/users/me/account-deletion"):
            return envelope(200, ["status": "pending", "requestedAt": "2026-04-03T12:00:00.000Z",
                                  "scheduledFor": "2099-05-01T12:00:00.000Z", "canCancelUntil": "2099-05-01T12:00:00.000Z",
                                  "remainingDays": 28, "isLocked": true, "reason": .string(hostile)])
        case ("PATCH", "/api/v1/users/username"):
            return envelope(200, ["success": true, "oldUsername": .string(hostile), "newUsername": .string("new" + hostile),
                                  "nextChangeAllowedAt": "2099-01-01T00:00:00.000Z"])
        case ("DELETE", "/api/v1/users/me/account-deletion"):
            return envelope(409, .null, errors: ["refused" + hostile])
        case ("POST", "/api/users/me/erase"):
            if String(decoding: request.body, as: UTF8.self).contains("fail") {
                return json(400, ["error": .string("erase" + hostile), "statusCode": 400])
            }
            return json(200, ["message": .string(hostile), "details": [
                "dataAnonymized": true, "apiKeysDeactivated": false, "sessionsDeleted": true, "accountDisabled": true,
                "scheduledForDeletion": "2099-01-08T10:00:00Z", "extra": .string(hostile)]])
        default:
            return envelope(404, .null)
        }
    }
}

/// acct on a pseudo-terminal, to its end: its status and all it wrote.
private func onTerminal(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
    let terminal = try PseudoTerminal(Acct.binary, arguments, environment: environment)
    // Read until acct closes the terminal.
    _ = try await terminal.waitUntil { _ in false }
    return (try await terminal.wait(), terminal.output)
}

/// The characters no terminal may receive from acct: ESC, BEL, DEL, the
/// C1 controls and the bidirectional controls.
private func forbidden(_ text: String) -> [String] {
    text.unicodeScalars.filter { scalar in
        switch scalar.value {
        case 0x1B, 0x07, 0x7F, 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
}

/// `text` without acct's own styles (`ESC[` digits and semicolons `m`).
private func withoutStyles(_ text: String) -> (text: String, styles: Int) {
    var result = ""
    var styles = 0
    var rest = Substring(text)
    while let escape = rest.firstIndex(of: "\u{1B}") {
        result += rest[..<escape]
        let after = rest[rest.index(after: escape)...]
        let body = after.dropFirst().prefix { $0.isASCII && ($0.isNumber || $0 == ";") }
        let end = after.dropFirst().dropFirst(body.count)
        if after.first == "[", !body.isEmpty, end.first == "m" {
            styles += 1
            rest = end.dropFirst()
        } else {
            result.append("\u{1B}")
            rest = after
        }
    }
    return (result + rest, styles)
}

@Suite("acct: text from a server or a file is inert on a terminal")
struct TerminalTextTests {
    // MARK: The function

    @Test("every C0 control but our newline and tab, DEL, every C1 and the bidi overrides and isolates are escaped; the rest is kept")
    func escapesEachClass() throws {
        func hex(_ value: UInt32) -> String { "\\u{" + String(value, radix: 16, uppercase: true) + "}" }
        for value in UInt32(0)...0x1F where value != 0x0A && value != 0x09 {
            #expect(TerminalText.escaped("a" + String(Unicode.Scalar(UInt8(value))) + "b") == "a" + hex(value) + "b")
        }
        #expect(TerminalText.escaped("a\nb\tc") == "a\nb\tc")
        #expect(TerminalText.escaped("a\nb\tc", keepingLineBreaks: false) == #"a\u{A}b\u{9}c"#)
        #expect(TerminalText.escaped("\u{7F}") == #"\u{7F}"#)
        for value in UInt32(0x80)...0x9F {
            #expect(TerminalText.escaped(String(Unicode.Scalar(UInt8(value)))) == hex(value))
        }
        for value in Array(UInt32(0x202A)...0x202E) + Array(UInt32(0x2066)...0x2069) {
            let scalar = try #require(Unicode.Scalar(value))
            #expect(TerminalText.escaped("x" + String(scalar)) == "x" + hex(value))
        }
        // Their neighbours, printable ASCII, letters of both languages,
        // marks and emoji are kept as they are; a backslash too.
        var kept = [" ~", "İstanbul şğüöçı", "é", "👩‍👩‍👧", "日本", #"C:\path \u{1B}"#]
        for value: UInt32 in [0x20, 0x7E, 0xA0, 0xA9, 0x2029, 0x202F, 0x2065, 0x206A, 0x200E, 0x200F, 0xFEFF] {
            kept.append(String(try #require(Unicode.Scalar(value))))
        }
        for text in kept { #expect(TerminalText.escaped(text) == text) }
        // Every scalar: escaped exactly when it is of those classes.
        var escapedCount = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            let escaped = TerminalText.escaped(text, keepingLineBreaks: false)
            if escaped != text {
                escapedCount += 1
                #expect(escaped == hex(value))
            }
        }
        #expect(escapedCount == 0x20 + 1 + 0x20 + 5 + 4)
        #expect(TerminalText.escaped(hostile) == shown)
        #expect(forbidden(shown).isEmpty)
    }

    @Test("JSON: the same value, with C1, DEL and bidi controls as \\uXXXX and C0 as the writer escapes it")
    func json() throws {
        let value: JSONValue = ["name": .string("mal" + hostile + "\u{7F}\u{85}\u{2066}\n"), "n": 1, "list": [.string(hostile)]]
        let encoded = TerminalText.json(String(decoding: value.encoded, as: UTF8.self))
        #expect(forbidden(encoded).isEmpty)
        #expect(!encoded.unicodeScalars.contains { $0.value < 0x20 })
        #expect(encoded.contains(#"\u001b[2J"#) && encoded.contains(#"\u009b31m\u202eevil"#) && encoded.contains(#"\u007f\u0085\u2066\n"#))
        #expect(JSONValue(parsing: Array(encoded.utf8)) == value)
    }

    @Test("console text: outside text in a style or around it is escaped, our styles only with colour")
    func consoleText() {
        #expect(ConsoleText("a\nb\tc").rendered(color: false) == #"a\u{A}b\u{9}c"#)
        let line = ConsoleText("mal" + hostile, .red) + ConsoleText(" \u{1B}[31m") + "!"
        #expect(line.rendered(color: false) == "mal" + shown + #" \u{1B}[31m!"#)
        #expect(line.rendered(color: true) == "\u{1B}[31mmal" + shown + "\u{1B}[0m" + #" \u{1B}[31m!"#)
        let filled = ConsoleText.filling("{environment}: {server} {other}", with: ["environment": ConsoleText("production", .red),
                                                                                 "server": ConsoleText("{environment}\u{9B}")])
        #expect(filled.rendered(color: true) == "\u{1B}[31mproduction\u{1B}[0m: {environment}\\u{9B} {other}")
    }

    // MARK: acct against a hostile server

    /// Runs whoami, status, a queued cancel the server refuses, outbox (with
    /// a row of the store it cannot read) and an erase that fails and one
    /// that works, on a terminal in `language`; returns what each wrote.
    private func hostileSession(language: String, color: Bool = false) async throws -> [(String, Int32, String)] {
        let server = try HostileServer()
        defer { server.server.stop() }
        let acct = try Acct()
        var environment = acct.environment
        environment["ACCT_LANG"] = language
        // From the environment: `--token` on a terminal adds its warning about other users.
        environment["ACCT_TOKEN"] = "t0ken"
        if color {
            environment["NO_COLOR"] = nil
            environment["TERM"] = "xterm-256color"
        }
        let allmine = ["--server", server.base]
        var runs: [(String, Int32, String)] = []
        func run(_ arguments: [String], environment: [String: String] = environment) async throws {
            let (status, output) = try await onTerminal(arguments, environment: environment)
            runs.append((arguments.joined(separator: " "), status, output))
        }
        try await run(allmine + ["whoami"])
        try await run(allmine + ["rename", "new_name"])
        try await run(allmine + ["status"])
        try await run(allmine + ["--offline", "delete", "cancel"])
        try await run(allmine + ["sync"])
        let owner = try #require(try AccountStore(path: acct.storePath).outboxOfEveryone().first?.account)
        do {
            let raw = try Database(path: acct.storePath, create: false)
            try raw.execute("""
                INSERT INTO outbox (id, account, idempotency_key, kind, payload, created_at, environment)
                VALUES (?, ?, '7D0C2B1A-0000-4000-8000-00000000E002', ?, '{}', 0, 'development')
                """, ["row" + hostile, owner.rawValue, "kind" + hostile])
        }
        try await run(allmine + ["outbox", "--all"])
        let mudbase = ["--server", server.base, "--backend", "mudbase", "--db", acct.home.file("mudbase.sqlite")]
        try await run(mudbase + ["erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes", "--reason", "fail"])
        try await run(mudbase + ["erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes"])
        return runs
    }

    @Test("whoami, status, outbox and erase against a server with controls in every field: nothing reaches the terminal, the text is seen",
          arguments: ["en", "tr"])
    func hostileServer(language: String) async throws {
        let runs = try await hostileSession(language: language)
        for (command, _, output) in runs {
            #expect(forbidden(output).isEmpty, "\(command): \(forbidden(output))\n\(output)")
        }
        let outputs = Dictionary(runs.map { ($0.0.split(separator: " ").dropFirst(2).joined(separator: " "), ($0.1, $0.2)) },
                                 uniquingKeysWith: { first, _ in first })
        let whoami = try #require(outputs["whoami"])
        #expect(whoami.0 == 0)
        // A newline from the server is shown too: it cannot forge a line of acct's.
        #expect(whoami.1 == (language == "tr" ? "Kullanıcı adı: " : "Username: ") + "mal" + shown + #"\u{A}Deleted.\u{9}!"# + "\r\n",
                "\(whoami.1)")
        let rename = try #require(outputs["rename new_name"])
        #expect(rename.0 == 0)
        #expect(rename.1.contains("new" + shown), "\(rename.1)")
        let status = try #require(outputs["status"])
        #expect(status.0 == 0)
        #expect(status.1.contains("2099"), "\(status.1)")
        #expect(try #require(outputs["--offline delete cancel"]).0 == 3)
        let outbox = try #require(outputs["outbox --all"])
        #expect(outbox.0 == 0)
        // The server's refusal kept as the operation's error, the account
        // the server named, and the store's unreadable row's kind and id.
        for text in ["refused" + shown, "id" + shown, "kind" + shown, "row" + shown] {
            #expect(outbox.1.contains(text), "\(text) in \(outbox.1)")
        }
        let failed = try #require(runs.first { $0.0.hasSuffix("fail") })
        #expect(failed.1 == 1, "\(failed.2)")
        #expect(failed.2.hasSuffix(language == "tr" ? "Sunucu bu isteği kabul etmedi (400).\r\n"
                                   : "The server didn't accept that (400).\r\n"), "\(failed.2)")
        let erased = try #require(runs.last)
        #expect(erased.1 == 0, "\(erased.2)")
    }

    @Test("with colour on, the only escape sequences are acct's own styles")
    func hostileServerInColor() async throws {
        let runs = try await hostileSession(language: "en", color: true)
        var styles = 0
        for (command, _, output) in runs {
            let (plain, count) = withoutStyles(output)
            styles += count
            #expect(forbidden(plain).isEmpty, "\(command): \(forbidden(plain))\n\(output)")
        }
        // The failed erase's message is red: styling still works.
        #expect(styles > 0)
        #expect(runs.contains { $0.2.contains("mal" + shown) })
    }

    @Test("--json: valid JSON with the server's values exactly, every control escaped as JSON escapes it")
    func hostileJSON() async throws {
        let server = try HostileServer()
        defer { server.server.stop() }
        let acct = try Acct()
        let allmine = ["--json", "--server", server.base, "--token", "t0ken"]
        var result = try await acct(allmine + ["whoami"])
        #expect(forbidden(result.output).isEmpty && !result.output.unicodeScalars.dropLast().contains { $0.value < 0x20 },
                "\(result.output)")
        var json = try #require(JSONValue(parsing: Array(result.output.utf8)))
        #expect(json["profile"]?["username"] == .string("mal" + hostile + "\nDeleted.\t!"), "\(json)")
        #expect(json["profile"]?["id"] == .string("id" + hostile), "\(json)")
        #expect(try await acct(Array(allmine.dropFirst()) + ["--offline", "delete", "cancel"]).status == 3)
        _ = try await acct(allmine + ["sync"])
        result = try await acct(allmine + ["outbox"])
        #expect(forbidden(result.output).isEmpty, "\(result.output)")
        json = try #require(JSONValue(parsing: Array(result.output.utf8)))
        let failed = try #require(json["queued"]?.arrayValue?.first)
        #expect(failed["lastError"]?.stringValue?.hasSuffix("refused" + hostile) == true, "\(json)")
        result = try await acct(["--json", "--server", server.base, "--token", "t0ken", "--backend", "mudbase",
                                 "--db", acct.home.file("mudbase.sqlite"), "erase", "--confirm", "DELETE_MY_ACCOUNT",
                                 "--yes", "--reason", "fail"])
        #expect(result.status == 1)
        #expect(forbidden(result.output).isEmpty, "\(result.output)")
        json = try #require(JSONValue(parsing: Array(result.output.utf8)))
        #expect(json["error"]?["detail"] == .string("erase" + hostile), "\(json)")
    }

    // MARK: The prompt

    @Test("the line editor draws a control as its escape, wrapped where the terminal wraps it, the cursor after it")
    func drawingEscaped() {
        var rendering = LineRendering(columns: 10)
        var line = LineBuffer("abcd\u{1B}")
        var screen = Screen(columns: 10)
        let drawn = rendering.redraw(prompt: "> ", line: line)
        screen.feed(drawn)
        // `\u{1B}` takes six columns, and wraps in its middle as the terminal wraps it.
        #expect(screen.lines == [#"> abcd\u{1"#, "B}"])
        #expect(screen.cursor == (1, 2))
        #expect(!drawn.contains("d\u{1B}"))
        // On the control, the cursor is on its escape's first column.
        line.moveLeft()
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.cursor == (0, 6))
        line = LineBuffer("\u{202E}x")
        screen = Screen(columns: 20)
        rendering = LineRendering(columns: 20)
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.lines == [#"> \u{202E}x"#])
        #expect(screen.cursor == (0, 11))
    }

    @Test("a history line with controls is drawn escaped at the prompt, and named escaped when it is run")
    func historyAtThePrompt() async throws {
        let acct = try Acct()
        var environment = acct.environment
        environment["XDG_STATE_HOME"] = acct.home.file("state")
        try FileManager.default.createDirectory(atPath: acct.home.file("state/acct"), withIntermediateDirectories: true)
        let line = "status\u{1B}]0;t\u{07}\u{9B}\u{202E}x\u{1B}[2J"
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: acct.home.file("state/acct/history")))
        let terminal = try PseudoTerminal(Acct.binary, ["shell"], environment: environment)
        let escaped = #"status\u{1B}]0;t\u{7}\u{9B}\u{202E}x\u{1B}[2J"#
        #expect(try await terminal.waitFor("acct> "))
        terminal.send("\u{1B}[A")
        #expect(try await terminal.waitUntil { Screen($0).currentLine == "acct> " + escaped })
        #expect(Screen(terminal.output).cursor.column == ("acct> " + escaped).count)
        terminal.send("\r")
        #expect(try await terminal.waitFor("Unknown command: " + escaped))
        terminal.send("exit\r")
        _ = try await terminal.waitUntil { _ in false }
        _ = try await terminal.wait()
        // The editor's own cursor moves are there; nothing of the line's.
        let output = terminal.output
        for text in ["\u{07}", "\u{9B}", "\u{202E}", "\u{1B}]", "\u{1B}[2J"] {
            #expect(!output.contains(text), "\(text.unicodeScalars.map(\.value)) in \(output.debugDescription)")
        }
    }
}

private extension Acct {
    func callAsFunction(_ arguments: [String]) async throws -> ProcessResult {
        try await execute(Self.binary, arguments, environment: environment)
    }
}
