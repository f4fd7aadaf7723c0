import AccountCore
import AccountEmulator
@testable import AcctShell
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// Secrets at a terminal: `--password-stdin` and `--token-stdin` typed
/// unseen, and `--token`'s warning, on a pseudo-terminal.
@Suite("acct: secrets typed at a terminal, unseen", .serialized)
struct SecretTerminalTests {
    @Test("--password-stdin on a terminal asks, the password is not echoed, the cancel by login works, echo is back after",
          arguments: [("en_US.UTF-8", "Password for ", "The deletion was cancelled."),
                      ("tr_TR.UTF-8", " için şifre: ", "Hesap silme talebi iptal edildi.")])
    func passwordUnseen(language: String, prompt: String, answer: String) async throws {
        let acct = try Acct(language: language)
        let (email, password) = Emulator.ovokDemoCredentials
        #expect(try await acct("--backend", "ovok", "delete", "request").status == 0)
        let terminal = try PseudoTerminal(Acct.binary, ["--backend", "ovok", "delete", "cancel", "--email", email,
                                                        "--password-stdin"], environment: acct.environment)
        let asked = language.hasPrefix("tr") ? email + prompt : prompt + email + ": "
        #expect(try await terminal.waitFor(asked), "\(terminal.output)")
        // Echo is off before the prompt shows.
        #expect(!terminal.echoes)
        terminal.send(password + "\r")
        #expect(try await terminal.waitFor(answer), "\(terminal.output)")
        _ = try await terminal.waitUntil { _ in false }
        #expect(try await terminal.wait() == 0)
        #expect(!terminal.output.contains(password), "\(terminal.output)")
        #expect(terminal.echoes)
    }

    @Test("Ctrl-C at the password's prompt: exit 130, echo on again; nothing is sent")
    func interruptRestoresEcho() async throws {
        let acct = try Acct()
        let email = Emulator.ovokDemoCredentials.email
        #expect(try await acct("--backend", "ovok", "delete", "request").status == 0)
        let terminal = try PseudoTerminal(Acct.binary, ["--backend", "ovok", "delete", "cancel", "--email", email,
                                                        "--password-stdin"], environment: acct.environment)
        #expect(try await terminal.waitFor("Password for \(email): "))
        #expect(!terminal.echoes)
        terminal.send("half-typed\u{03}")
        // All it wrote, up to its end.
        _ = try await terminal.waitUntil { _ in false }
        #expect(try await terminal.wait() == 130)
        #expect(terminal.echoes)
        #expect(!terminal.output.contains("half-typed"))
        // The deletion is still pending: the cancel was never sent.
        let status = try await acct("--backend", "ovok", "status")
        #expect(status.output.contains("left"), "\(status.output)")
    }

    @Test("SIGTERM (or SIGINT from elsewhere) while the password is typed: echo on again, exit 128 + the signal",
          arguments: [SIGTERM, SIGINT])
    func signalRestoresEcho(signal: Int32) async throws {
        let acct = try Acct()
        let email = Emulator.ovokDemoCredentials.email
        let terminal = try PseudoTerminal(Acct.binary, ["--backend", "ovok", "delete", "cancel", "--email", email,
                                                        "--password-stdin"], environment: acct.environment)
        #expect(try await terminal.waitFor("Password for \(email): "))
        #expect(!terminal.echoes)
        terminal.signal(signal)
        #expect(try await terminal.wait() == 128 + signal)
        #expect(terminal.echoes)
    }

    @Test("Ctrl-D at the password's prompt: echo on again, the empty password refused by the server")
    func endOfInputRestoresEcho() async throws {
        let acct = try Acct()
        let email = Emulator.ovokDemoCredentials.email
        #expect(try await acct("--backend", "ovok", "delete", "request").status == 0)
        let terminal = try PseudoTerminal(Acct.binary, ["--backend", "ovok", "delete", "cancel", "--email", email,
                                                        "--password-stdin"], environment: acct.environment)
        #expect(try await terminal.waitFor("Password for \(email): "))
        terminal.send("\u{04}")
        #expect(try await terminal.wait() != 0)
        #expect(terminal.echoes)
    }

    @Test("--token-stdin on a terminal asks, the token is not echoed and is used; no warning")
    func tokenUnseen() async throws {
        let harness = try Harness()
        let acct = try Acct()
        let token = try harness.token(.allmine)
        let expected = try await acct("--server", harness.emulator.baseURL, "--token", token, "whoami")
        #expect(expected.status == 0, "\(expected.errorOutput)")
        let terminal = try PseudoTerminal(Acct.binary, ["--server", harness.emulator.baseURL, "--token-stdin", "whoami"],
                                          environment: acct.environment)
        #expect(try await terminal.waitFor("Bearer token: "))
        #expect(!terminal.echoes)
        terminal.send(token + "\r")
        let firstLine = try #require(lines(expected.output).first)
        #expect(try await terminal.waitFor(firstLine), "\(terminal.output)")
        #expect(try await terminal.wait() == 0, "\(terminal.output)")
        #expect(!terminal.output.contains(token))
        #expect(!terminal.output.contains("Warning"))
        #expect(terminal.echoes)
    }

    @Test("--token on a terminal warns once that other users can read it, naming the safe ways; not off a terminal",
          arguments: [("en_US.UTF-8", "Warning: other users of this machine can read a token given with --token"),
                      ("tr_TR.UTF-8", "Uyarı: --token ile verilen belirteci bu makinenin diğer kullanıcıları")])
    func tokenWarning(language: String, warning: String) async throws {
        let harness = try Harness()
        let acct = try Acct(language: language)
        let token = try harness.token(.allmine)
        let terminal = try PseudoTerminal(Acct.binary, ["--server", harness.emulator.baseURL, "--token", token, "whoami"],
                                          environment: acct.environment)
        // The warning comes first, the answer after it.
        #expect(try await terminal.waitFor("demo_user"), "\(terminal.output)")
        #expect(try await terminal.wait() == 0, "\(terminal.output)")
        let shown = terminal.output.components(separatedBy: warning).count - 1
        #expect(shown == 1, "\(terminal.output)")
        #expect(terminal.output.contains("--token-file") && terminal.output.contains("--token-stdin"))
        let piped = try await acct("--server", harness.emulator.baseURL, "--token", token, "whoami")
        #expect(piped.status == 0)
        #expect(!piped.errorOutput.contains(warning), "\(piped.errorOutput)")
    }
}

@Suite("acct: the token from a file or standard input")
struct TokenSourceTests {
    /// A file holding `text`, with `mode`.
    private func tokenFile(_ home: TemporaryDirectory, _ text: String, mode: mode_t) throws -> String {
        let path = home.file("token-\(mode)")
        try write(Array(text.utf8), to: path)
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test("--token-file: 0600 works as --token does (its newline trimmed); 0644 and 0640 refused, exit 2, in both languages")
    func tokenFileMode() async throws {
        let harness = try Harness()
        let acct = try Acct()
        let token = try harness.token(.allmine)
        let expected = try await acct("--server", harness.emulator.baseURL, "--token", token, "whoami")
        #expect(expected.status == 0)

        let owned = try tokenFile(acct.home, token + "\n", mode: 0o600)
        var result = try await acct("--server", harness.emulator.baseURL, "--token-file", owned, "whoami")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == expected.output)
        #expect(!(result.output + result.errorOutput).contains(token))
        result = try await acct("--server", harness.emulator.baseURL, "--token-file=" + owned, "whoami")
        #expect(result.status == 0)
        // 0400 is stricter still.
        #expect(chmod(owned, 0o400) == 0)
        #expect(try await acct("--server", harness.emulator.baseURL, "--token-file", owned, "whoami").output == expected.output)

        let open = try tokenFile(acct.home, token + "\n", mode: 0o644)
        result = try await acct("--server", harness.emulator.baseURL, "--token-file", open, "whoami")
        #expect(result.status == 2)
        #expect(result.output == "")
        #expect(result.errorOutput == "The token file \(open) can be read by other users (mode 0644), so acct refuses it. "
            + "Make it yours alone: chmod 600 \(open)\n")
        let group = try tokenFile(acct.home, token, mode: 0o640)
        result = try await acct("--server", harness.emulator.baseURL, "--lang", "tr", "--token-file", group, "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput.hasPrefix("Belirteç dosyası \(group) diğer kullanıcılar tarafından okunabiliyor (izinler 0640)"),
                "\(result.errorOutput)")
        #expect(!result.errorOutput.contains(token))
        // ACCT_TOKEN_FILE is the same door.
        var environment = acct.environment
        environment["ACCT_TOKEN_FILE"] = open
        result = try await execute(Acct.binary, ["--server", harness.emulator.baseURL, "whoami"], environment: environment)
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("(mode 0644)"))
    }

    @Test("--token-file refuses a symbolic link, a directory, a missing file and another user's file")
    func tokenFileKinds() async throws {
        let acct = try Acct()
        let target = try tokenFile(acct.home, "a-token", mode: 0o600)
        let link = acct.home.file("link")
        #expect(symlink(target, link) == 0)
        var result = try await acct("--token-file", link, "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput == "The token file \(link) is a symbolic link: acct reads a token only from a regular file, "
            + "never through a link.\n")
        result = try await acct("--token-file", acct.home.path, "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput == "The token file \(acct.home.path) is not a regular file.\n")
        result = try await acct("--token-file", acct.home.file("missing"), "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput == "Can't open the token file \(acct.home.file("missing")): it doesn't exist, or you may not read it.\n")
        if geteuid() == 0 {
            #expect(chown(target, nobody, gid_t(nobody)) == 0)
            result = try await acct("--token-file", target, "whoami")
            #expect(result.status == 2)
            #expect(result.errorOutput == "The token file \(target) belongs to another user: acct reads a token only from a file of your own.\n")
        }
    }

    @Test("--token-stdin off a terminal reads one line, no prompt; two sources of the token are refused")
    func tokenStdin() async throws {
        let harness = try Harness()
        let acct = try Acct()
        let token = try harness.token(.allmine)
        let expected = try await acct("--server", harness.emulator.baseURL, "--token", token, "whoami")
        var result = try await acct("--server", harness.emulator.baseURL, "--token-stdin", "whoami", input: token + "\n")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == expected.output)
        #expect(result.errorOutput == "")
        result = try await acct("--server", harness.emulator.baseURL, "--token-stdin", "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput == "--token-stdin found no token on standard input.\n")
        // What the core refuses as a token is refused as it is for --token.
        let bad = try await acct("--server", harness.emulator.baseURL, "--token", "bad token", "whoami")
        result = try await acct("--server", harness.emulator.baseURL, "--token-stdin", "whoami", input: "bad token\n")
        #expect(result.status == bad.status && result.status != 0)
        #expect(result.errorOutput == bad.errorOutput)
        result = try await acct("--token", token, "--token-stdin", "whoami")
        #expect(result.status == 2)
        #expect(result.errorOutput == "--token-stdin and --token can't be used together.\n")
        result = try await acct("--backend", "ovok", "--token-stdin", "delete", "cancel", "--email", "a@b.c", "--password-stdin")
        #expect(result.status == 2)
        #expect(result.errorOutput == "--token-stdin and --password-stdin can't be used together.\n")
    }
}
