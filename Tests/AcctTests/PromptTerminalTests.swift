import AccountCore
import AccountEmulator
import FoundationEssentials
import Testing
import TestSupport

/// `acct shell` on a pseudo-terminal, typed at as a person types, its
/// screen read back through `Screen`.
private final class Prompt {
    let terminal: PseudoTerminal
    let columns: Int

    init(_ acct: Acct, _ arguments: [String] = ["shell"], columns: Int = 80) throws {
        terminal = try PseudoTerminal(Acct.binary, arguments, environment: acct.environment, columns: UInt16(columns))
        self.columns = columns
    }

    var screen: Screen { Screen(terminal.output, columns: columns) }

    func type(_ text: String) {
        terminal.send(text)
    }

    /// Waits until the screen shows `isDone`; false if it never does.
    func waitForScreen(_ isDone: @escaping (Screen) -> Bool) async throws -> Bool {
        try await terminal.waitUntil { [columns] in isDone(Screen($0, columns: columns)) }
    }

    /// Types `line` and Enter, and waits for `answer` and then the next
    /// prompt: what is typed before the prompt would meet a terminal not
    /// yet raw, and be echoed.
    func run(_ line: String, answer: String) async throws -> Bool {
        type(line + "\r")
        guard try await terminal.waitFor(answer) else { return false }
        return try await waitForLine("acct> ")
    }

    /// Waits until the cursor's row reads `line` (spaces at its end aside)
    /// with the cursor at `column`, by default just after it.
    func waitForLine(_ line: String, cursorAt column: Int? = nil) async throws -> Bool {
        let column = column ?? DisplayWidthInTest.of(line)
        var shown = line
        while shown.last == " " { shown.removeLast() }
        return try await waitForScreen { [shown] in $0.currentLine == shown && $0.cursor.column == column }
    }
}

/// Columns of text on a terminal, for the expectations: CJK 2, the rest 1.
private enum DisplayWidthInTest {
    static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ((0x2E80...0x9FFF).contains($1.value) ? 2 : 1) }
    }
}

private let left = "\u{1B}[D"
private let up = "\u{1B}[A"

@Suite("acct's prompt on a terminal", .serialized)
struct PromptTerminalTests {
    @Test("the up arrow recalls lines after a restart; a line with --token never reaches the history file")
    func historyAcrossSessions() async throws {
        let acct = try Acct()
        var prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        #expect(try await prompt.run("stats", answer: "Followers: 128"))
        // A line's token is the session's from then on: this one the server does not know.
        #expect(try await prompt.run("status --token s3cr3t-t0ken", answer: "Your session has ended."))
        prompt.type("exit\r")
        // The prompt exits with its last line's status: sign-in needed.
        #expect(try await prompt.terminal.wait() == 5)
        let path = acct.home.file(".local/state/acct/history")
        #expect(contents(of: path) == Array("stats\nexit\n".utf8))
        #expect(mode(of: path) == 0o600)
        #expect(mode(of: acct.home.file(".local/state/acct")) == 0o700)

        prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type(up)
        #expect(try await prompt.waitForLine("acct> exit"))
        prompt.type(up)
        #expect(try await prompt.waitForLine("acct> stats"))
        #expect(try await prompt.run("", answer: "Followers: 128"))
        prompt.type("\u{04}")
        #expect(try await prompt.terminal.wait() == 0)
        #expect(!(contents(of: path).map { contains($0, "s3cr3t") } ?? true))
    }

    @Test("a line edited in the middle, with ş, and wide characters, one step each")
    func editingInTheMiddle() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("rename ab" + left + "ş")
        #expect(try await prompt.waitForLine("acct> rename aşb", cursorAt: 15), "\(prompt.screen.lines)")
        prompt.type(left + left + "x")
        #expect(try await prompt.waitForLine("acct> rename xaşb", cursorAt: 14))
        #expect(try await prompt.run("", answer: "“ş” can't be used in a username"), "\(prompt.terminal.output)")
        prompt.type("rename 名前x" + left + left)
        #expect(try await prompt.waitForLine("acct> rename 名前x", cursorAt: 15))
        prompt.type("\u{7F}")
        #expect(try await prompt.waitForLine("acct> rename 前x", cursorAt: 13))
        prompt.type("\u{01}\u{05}" + left + "\u{0B}")
        #expect(try await prompt.waitForLine("acct> rename 前"))
        // Leaving, the prompt answers the last command's exit status: the refused rename's.
        prompt.type("\u{03}")
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("\u{04}")
        #expect(try await prompt.terminal.wait() == 1)
    }

    @Test("Tab completes del to delete, --back to --backend, lists the back ends, completes one")
    func tab() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("del\t")
        #expect(try await prompt.waitForLine("acct> delete "))
        prompt.type("req\t")
        #expect(try await prompt.waitForLine("acct> delete request "))
        prompt.type("\u{15}status --back\t")
        #expect(try await prompt.waitForLine("acct> status --backend "))
        prompt.type("\t")
        #expect(try await prompt.waitForScreen { screen in
            screen.lines.suffix(2) == ["allmine  mudbase  ovok", "acct> status --backend"] && screen.cursor.column == 23
        }, "\(prompt.screen.lines)")
        prompt.type("m\t")
        #expect(try await prompt.waitForLine("acct> status --backend mudbase "))
        prompt.type("\u{03}")
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("exit\r")
        #expect(try await prompt.terminal.wait() == 0)
    }

    @Test("Ctrl-C drops the line and nothing runs; Ctrl-D leaves only on an empty line")
    func interruptAndEnd() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("delete request")
        #expect(try await prompt.waitForLine("acct> delete request"))
        prompt.type("\u{03}")
        #expect(try await prompt.waitForScreen { screen in
            screen.lines.suffix(2) == ["acct> delete request^C", "acct>"] && screen.cursor.column == 6
        })
        #expect(try await prompt.run("status", answer: "No deletion has been requested."))
        prompt.type("x" + left + "\u{04}")
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("y\u{04}")
        #expect(try await prompt.waitForLine("acct> y"))
        prompt.type("\u{15}\u{04}")
        #expect(try await prompt.terminal.wait() == 0)
        #expect(try await acct("status").output == "No deletion has been requested.\n")
    }

    @Test("a line longer than the screen wraps, and is edited where the cursor is")
    func longLine() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct, columns: 20)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("delete request --reason \"far too long\"")
        #expect(try await prompt.waitForScreen { screen in
            screen.lines.suffix(3) == ["acct> delete request", " --reason \"far too l", "ong\""]
                && screen.cursor == (screen.lines.count - 1, 4)
        }, "\(prompt.screen.lines)")
        prompt.type("\u{01}" + "\u{1B}[C" + "ş")
        #expect(try await prompt.waitForScreen { screen in
            screen.lines.suffix(3) == ["acct> dşelete reques", "t --reason \"far too", "long\""]
                && screen.cursor == (screen.lines.count - 3, 8)
        }, "\(prompt.screen.lines)")
        prompt.type("\u{03}")
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("\u{04}")
        #expect(try await prompt.terminal.wait() == 0)
    }

    @Test("an event that arrives mid-line is printed above it; the line stays as typed, the cursor where it was")
    func eventWhileTyping() async throws {
        let acct = try Acct()
        // The server, in a process of its own, so that it can be paused.
        let serve = try PseudoTerminal(Acct.binary, ["serve", "--port", "0"], environment: acct.environment)
        #expect(try await serve.waitFor("(Ctrl-C stops it)"))
        let url = serve.output.components(separatedBy: "listening at ").last?.components(separatedBy: " ").first ?? ""
        let user = try #require(Emulator.demoUserID(of: .allmine))
        let reply = try await execute("curl", ["-s", "-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"userId\":\"\(user)\"}", url + "/__emulator/tokens"])
        let token = try #require(JSONValue(parsing: Array(reply.output.utf8))?["token"]?.stringValue, "\(reply.output)")

        let prompt = try Prompt(acct, ["--server", url, "--token", token, "--account", user, "shell"])
        #expect(try await prompt.waitForLine("acct> "))
        #expect(try await prompt.run("offline", answer: "Offline: what you do is saved and sent later."))
        #expect(try await prompt.run("delete request", answer: "Saved. It will be sent when you're back online."))
        // The request goes when online, and waits on the paused server
        // while a line is typed.
        try await serve.pause()
        #expect(try await prompt.run("online", answer: "Online."))
        prompt.type("sttus" + left + left + left)
        #expect(try await prompt.waitForLine("acct> sttus", cursorAt: 8))
        serve.resume()
        #expect(try await prompt.waitForScreen { screen in
            screen.lines.suffix(2) == ["Sent: deletion request.", "acct> sttus"] && screen.cursor.column == 8
        }, "\(prompt.screen.lines)")
        #expect(try await prompt.run("a", answer: "Your account will be deleted on"), "\(prompt.terminal.output)")
        prompt.type("exit\r")
        #expect(try await prompt.terminal.wait() == 0)
    }

    @Test("hist<Tab><Enter> lists the history; built-ins and commands with blanks around them work")
    func builtInsWithBlanks() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        #expect(try await prompt.run(" status ", answer: "No deletion has been requested."), "\(prompt.screen.lines)")
        prompt.type("hist\t")
        #expect(try await prompt.waitForLine("acct> history "))
        #expect(try await prompt.run("", answer: "2  history"), "\(prompt.screen.lines)")
        #expect(prompt.screen.lines.contains("1  status"), "\(prompt.screen.lines)")
        #expect(try await prompt.run("  offline\t", answer: "Offline: what you do is saved and sent later."))
        #expect(try await prompt.run("online ", answer: "Online."))
        prompt.type(" exit \r")
        #expect(try await prompt.terminal.wait() == 0)
        let path = acct.home.file(".local/state/acct/history")
        #expect(contents(of: path) == Array("status\nhistory\noffline\nonline\nexit\n".utf8))
    }

    @Test("a JWT pasted at the prompt, bare or after a command, never reaches the history file")
    func pastedTokenNotKept() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
        #expect(try await prompt.run(jwt, answer: "Unknown command"), "\(prompt.terminal.output)")
        #expect(try await prompt.run("whoami " + jwt, answer: "acct> "), "\(prompt.terminal.output)")
        #expect(try await prompt.run("stats", answer: "Followers: 128"))
        prompt.type("exit\r")
        _ = try await prompt.terminal.wait()
        let path = acct.home.file(".local/state/acct/history")
        #expect(contents(of: path) == Array("stats\nexit\n".utf8))
    }

    @Test("--token-stdin at the prompt asks for the token and takes it unseen; the line is kept, the token not")
    func tokenTypedAtThePrompt() async throws {
        let acct = try Acct()
        let prompt = try Prompt(acct)
        #expect(try await prompt.waitForLine("acct> "))
        prompt.type("status --token-stdin\r")
        #expect(try await prompt.terminal.waitFor("Bearer token: "))
        #expect(!prompt.terminal.echoes)
        // A token the server does not know: the session's from now on.
        #expect(try await prompt.run("s3cr3t-t0ken", answer: "Your session has ended."), "\(prompt.terminal.output)")
        #expect(!prompt.terminal.output.contains("s3cr3t"))
        prompt.type("exit\r")
        #expect(try await prompt.terminal.wait() == 5)
        #expect(contents(of: acct.home.file(".local/state/acct/history")) == Array("status --token-stdin\nexit\n".utf8))
    }
}
