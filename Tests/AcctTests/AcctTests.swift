import AccountCore
import FoundationEssentials
import Testing
import TestSupport

@Suite("acct: commands on the embedded emulator")
struct AcctCommandTests {
    @Test("the whole lifecycle in English, with exit statuses and human text")
    func lifecycleEnglish() async throws {
        let acct = try Acct()
        var result = try await acct("status")
        #expect(result.status == 0)
        #expect(result.output == "No deletion has been requested.\n")
        result = try await acct("delete", "request", "--reason", "moving on")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("Your account will be deleted on"))
        #expect(result.output.contains("28 days left · The account is locked until then."))
        #expect(result.output.contains("(in 28 days)"))
        result = try await acct("--offline", "delete", "cancel")
        #expect(result.status == 3)
        #expect(result.output.contains("Your cancellation is saved and will be sent when you're back online. It must reach the server by"))
        result = try await acct("--offline", "outbox")
        #expect(result.output.hasPrefix("cancellation · queued · made"))
        #expect(result.output.contains("must reach the server by"))
        result = try await acct("sync")
        #expect(result.status == 0)
        #expect(result.output == "1 change sent.\n")
        #expect(try await acct("status").output == "The deletion was cancelled.\n")
        result = try await acct("rename", "New_Name")
        #expect(result.status == 0)
        #expect(result.output == "Your username is now new_name.\n")
        result = try await acct("rename", "other_name")
        #expect(result.status == 1)
        #expect(result.errorOutput.hasPrefix("You can change your username again on"))
        result = try await acct("whoami")
        #expect(result.output.contains("Username: new_name"))
        #expect(result.output.contains("Next username change allowed from"))
        #expect(try await acct("stats").output == "Followers: 128 · Following: 64 · Live streams: 3\n")
        #expect(try await acct("capabilities").output.contains("Deleting at once: offered (delete finalize), after a confirmation\n"))
        #expect(try await acct("outbox").output == "Nothing is queued.\n")
        _ = try await acct("delete", "request")
        result = try await acct("delete", "finalize")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "Your account has been deleted.\n")
        // The store holds no trace of the account any more.
        #expect(!(contents(of: acct.storePath).map { contains($0, "new_name") } ?? true))
    }

    @Test("the same in Turkish, chosen by LANG, dates in the chosen offset")
    func lifecycleTurkish() async throws {
        let acct = try Acct(language: "tr_TR.UTF-8")
        #expect(try await acct("status").output == "Hesap silme talebi yok.\n")
        var result = try await acct("--timezone", "UTC+03:00", "delete", "request")
        #expect(result.status == 0)
        #expect(result.output.contains("tarihinde silinecek."))
        #expect(result.output.contains("(UTC+03:00)"))
        #expect(result.output.contains("28 gün kaldı · Hesap o zamana kadar kilitli."))
        #expect(result.output.contains("(28 gün içinde)"))
        result = try await acct("--offline", "delete", "cancel")
        #expect(result.status == 3)
        #expect(result.output.contains("İptal talebiniz kaydedildi"))
        #expect(try await acct("--offline", "outbox").output.hasPrefix("iptal talebi · sırada ·"))
        #expect(try await acct("sync").output == "1 değişiklik gönderildi.\n")
        #expect(try await acct("status").output == "Hesap silme talebi iptal edildi.\n")
        result = try await acct("rename", "İstanbul")
        #expect(result.status == 1)
        #expect(result.errorOutput == "“İ” kullanıcı adında kullanılamaz: yalnızca a–z, 0–9, _ ve . kullanılabilir.\n")
        #expect(try await acct("rename", "yeni_ad").output == "Kullanıcı adınız artık yeni_ad.\n")
        #expect(try await acct("whoami").output.contains("Kullanıcı adı: yeni_ad"))
        #expect(try await acct("stats").output == "Takipçi: 128 · Takip edilen: 64 · Canlı yayın: 3\n")
        #expect(try await acct("capabilities").output.contains("Hemen silme: sunuluyor (delete finalize), onaydan sonra\n"))
        #expect(try await acct("outbox").output == "Sırada bekleyen bir şey yok.\n")
        _ = try await acct("delete", "request")
        #expect(try await acct("delete", "finalize").output == "Hesabınız silindi.\n")
        #expect(try await acct("--help").output.contains("kullanım: acct [seçenekler] <komut> [argümanlar]"))
    }

    @Test("--json prints the C interface's objects")
    func json() async throws {
        let acct = try Acct()
        var (status, json) = try await acct.json("status")
        #expect(status == 0)
        #expect(Set(json?.objectValue?.keys ?? [:].keys) == ["deletion", "source", "asOf", "queued", "counts", "environment"])
        #expect(json?["environment"] == "development")
        #expect(json?["source"] == "server")
        #expect(json?["counts"] == ["queued": 0, "failed": 0, "missed": 0, "unreadable": 0, "held": 0])
        (status, json) = try await acct.json("delete", "request")
        #expect(json?["deletion"]?["status"] == "pending")
        #expect(json?["deletion"]?["remainingDays"] == 28)
        (status, json) = try await acct.json("--offline", "delete", "cancel")
        #expect(status == 3)
        #expect(json?["queued"]?["kind"] == "cancelDeletion")
        #expect(json?["queued"]?["state"] == "queued")
        #expect(json?["queued"]?["deadline"]?.instantValue != nil)
        // The status lists the queued cancel and counts what waits.
        (status, json) = try await acct.json("--offline", "status")
        #expect(json?["queued"]?.arrayValue?.map { $0["kind"] } == ["cancelDeletion"])
        #expect(json?["counts"] == ["queued": 1, "failed": 0, "missed": 0, "unreadable": 0, "held": 0])
        (status, json) = try await acct.json("sync")
        #expect(json == ["sent": 1, "failed": 0, "remaining": 0, "waiting": nil])
        (status, json) = try await acct.json("rename", "ab")
        #expect(status == 1)
        #expect(json?["error"]?["code"] == "invalidInput")
        #expect(json?["error"]?["message"] == "A username needs at least 3 characters.")
        (status, json) = try await acct.json("capabilities")
        #expect(json?["capabilities"]?["backend"] == "allmine")
        #expect(json?["capabilities"]?["environment"] == "development")
        #expect(json?["capabilities"]?["mutating"] == ["requestDeletion", "cancelDeletion", "finalizeDeletion", "changeUsername"])
        (status, json) = try await acct.json("outbox")
        #expect(json == ["queued": []])
    }

    @Test("Mudbase's erase and Ovok's scheduled deletion and login, with the password from standard input")
    func otherBackends() async throws {
        let acct = try Acct()
        var result = try await acct("--backend", "mudbase", "erase", "--confirm", "delete_my_account", "--yes")
        #expect(result.status == 1)
        #expect(result.errorOutput == "To confirm, type DELETE_MY_ACCOUNT exactly as shown.\n")
        result = try await acct("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("\nErasure started: your data will be deleted on"))
        result = try await acct("--backend", "mudbase", "delete", "cancel")
        #expect(result.status == 1)
        #expect(result.errorOutput == "This service doesn't offer that.\n")

        result = try await acct("--backend", "ovok", "delete", "request", "--days", "10", "--wipe")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.contains("10 days left"))
        #expect(result.output.contains("Your data will be wiped with the account."))
        #expect(try await acct("--backend", "ovok", "delete", "request", "--days", "366").status == 1)
        result = try await acct("--backend", "ovok", "delete", "cancel", "--email", "max.mustermann@example.com",
                          "--password-stdin", input: "demo-password\n")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "The deletion was cancelled.\n")
        #expect(!(result.output + result.errorOutput).contains("demo-password"))
        #expect(try await acct("--backend", "ovok", "delete", "cancel", "--email", "x@y.z").status == 2)
        #expect(!(contents(of: acct.storePath).map { contains($0, "demo-password") } ?? true))
    }
}

@Suite("acct: the other back ends and failures, in Turkish")
struct AcctTurkishTests {
    @Test("erase, scheduled deletion, cancel by login, usage and unreachable server, in Turkish")
    func turkish() async throws {
        let acct = try Acct(language: "tr_TR.UTF-8")
        var result = try await acct("--backend", "mudbase", "erase", "--confirm", "yanlış", "--yes")
        #expect(result.status == 1)
        #expect(result.errorOutput == "Onaylamak için DELETE_MY_ACCOUNT ifadesini gösterildiği gibi yazın.\n")
        result = try await acct("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(result.status == 0)
        // What it will do, before it is done.
        #expect(result.output.hasPrefix("Silme işlemi, hizmetten kişisel verilerinizi anonimleştirmesini"))
        #expect(result.output.contains("Bu işlem kişisel verilerinizi siler. Geri alınamaz.\nSilme işlemi başladı: verileriniz"))
        result = try await acct("--backend", "ovok", "delete", "request", "--days", "5")
        #expect(result.output.contains("5 gün kaldı"))
        result = try await acct("--backend", "ovok", "delete", "cancel", "--email", "max.mustermann@example.com",
                          "--password-stdin", input: "demo-password\n")
        #expect(result.status == 0)
        #expect(result.output == "Hesap silme talebi iptal edildi.\n")
        result = try await acct("--backend", "ovok", "--offline", "delete", "cancel", "--email", "max.mustermann@example.com",
                          "--password-stdin", input: "demo-password\n")
        #expect(result.status == 4)
        #expect(result.errorOutput.hasPrefix("Çevrimdışısınız ve bu işlem bekleyemez"))
        result = try await acct("silbeni")
        #expect(result.status == 2)
        #expect(result.errorOutput == "Bilinmeyen komut: silbeni. acct --help komutunu çalıştırın.\n")
        result = try await acct("--server", "http://127.0.0.1:1", "--token", "x", "delete", "request")
        #expect(result.status == 3)
        #expect(result.output.contains("Kaydedildi. Yeniden çevrimiçi olduğunuzda gönderilecek."))
        result = try await acct("--server", "http://127.0.0.1:1", "--token", "x", "delete", "finalize")
        #expect(result.status == 4)
        #expect(result.errorOutput == "Sunucuya ulaşılamadı. İnternet bağlantınızı kontrol edin.\n")
    }
}

@Suite("acct: failures and usage")
struct AcctFailureTests {
    @Test("an unreachable server: queued (3), unreachable (4), the cache answers the status")
    func unreachable() async throws {
        let acct = try Acct()
        let server = ["--server", "http://127.0.0.1:1", "--token", "t0ken-not-shown"]
        func run(_ arguments: [String], input: String = "") async throws -> ProcessResult {
            try await execute(Acct.binary, server + arguments, input: Array(input.utf8), environment: acct.environment)
        }
        var result = try await run(["delete", "request"])
        #expect(result.status == 3)
        #expect(result.output.contains("Saved. It will be sent when you're back online."))
        result = try await run(["--json", "status"])
        #expect(result.status == 0)
        #expect(JSONValue(parsing: Array(result.output.utf8))?["source"] == "cache")
        #expect(JSONValue(parsing: Array(result.output.utf8))?["deletion"]?["status"] == "pending")
        result = try await run(["status"])
        #expect(result.output.contains("the server couldn't be reached"))
        for command in [["whoami"], ["stats"], ["delete", "finalize"]] {
            result = try await run(command)
            #expect(result.status == 4, "\(command)")
            #expect(result.errorOutput == "The server could not be reached. Check your connection.\n")
        }
        result = try await run(["--lang", "tr", "whoami"])
        #expect(result.errorOutput == "Sunucuya ulaşılamadı. İnternet bağlantınızı kontrol edin.\n")
        // A sync that cannot deliver is not "done": queued (3), and why.
        result = try await run(["sync"])
        #expect(result.status == 3)
        #expect(result.output.hasPrefix("0 changes sent.\n1 change is still waiting to be sent.\n"), "\(result.output)")
        // A next try within the hour reads as relative time, with seconds.
        #expect(result.output.contains(/Next try in [0-9]+ s\.\n/), "\(result.output)")
        result = try await run(["--lang", "tr", "sync"])
        #expect(result.status == 3)
        #expect(result.output.contains("1 değişiklik hâlâ gönderilmeyi bekliyor.\nSunucuya ulaşılamadı."), "\(result.output)")
        #expect(result.output.contains(/Bir sonraki deneme [0-9]+ sn sonra\.\n/), "\(result.output)")
        result = try await run(["--json", "sync"])
        #expect(result.status == 3)
        let waiting = JSONValue(parsing: Array(result.output.utf8))?["waiting"]
        #expect(waiting?["reason"] == "retry", "\(result.output)")
        #expect(waiting?["retryAt"]?.instantValue != nil, "\(result.output)")
        result = try await run(["--offline", "sync"])
        #expect(result.status == 3)
        #expect(result.output.hasSuffix("1 change is still waiting to be sent.\nYou're offline. What you do is saved and sent later.\n"))
        result = try await run(["erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes"])
        #expect(result.status == 1)
        #expect(!(result.output + result.errorOutput).contains("t0ken-not-shown"))
        #expect(!(contents(of: acct.storePath).map { contains($0, "t0ken-not-shown") } ?? true))
    }

    @Test("a bad token: authentication needed (5), in English and Turkish")
    func unauthorized() async throws {
        let harness = try Harness()
        let acct = try Acct()
        var result = try await acct("--server", harness.emulator.baseURL, "--token", "expired", "whoami")
        #expect(result.status == 5)
        #expect(result.errorOutput == "Your session has ended. Sign in again.\nSign in again to continue.\n")
        result = try await acct("--server", harness.emulator.baseURL, "--token", "expired", "--lang", "tr", "stats")
        #expect(result.status == 5)
        #expect(result.errorOutput.hasPrefix("Oturumunuz sona erdi."))
        // A sync held by the 401 is "sign in" (5), not "queued" (3).
        result = try await acct("--server", harness.emulator.baseURL, "--token", "expired", "--offline", "delete", "request")
        #expect(result.status == 3)
        result = try await acct("--server", harness.emulator.baseURL, "--token", "expired", "sync")
        #expect(result.status == 5)
        #expect(result.output.hasSuffix("1 change is still waiting to be sent.\nSending is paused: sign in again to continue.\n"),
                "\(result.output)")
    }

    @Test("usage errors exit 2 with the reason",
          arguments: [(["bogus"], "Unknown command: bogus. Run acct --help.\n"),
                      (["status", "--bogus"], "Unknown option: --bogus. Run acct --help.\n"),
                      (["--timezone", "UTC+15:00", "status"],
                       "The value of --timezone is not an offset from UTC: UTC+15:00. Write UTC, or UTC+HH:MM or UTC-HH:MM from UTC-12:00 to UTC+14:00, minutes 00 to 59 (for example UTC-08:00, UTC+05:45).\n"),
                      (["--backend", "nope", "status"], "The value of --backend is not valid: nope\n"),
                      (["--lang", "de", "status"], "The value of --lang is not valid: de\n"),
                      (["delete", "request", "--days", "ten"], "The value of --days is not valid: ten\n"),
                      (["status", "--reason", "x"], "Unknown option: --reason. Run acct --help.\n"),
                      (["rename"], "The command rename needs NEW-USERNAME.\n"),
                      (["status", "--server"], "The option --server needs a value.\n")])
    func usage(arguments: [String], message: String) async throws {
        let acct = try Acct()
        let result = try await execute(Acct.binary, arguments, environment: acct.environment)
        #expect(result.status == 2)
        #expect(result.errorOutput == message)
    }

    @Test("a store that is not SQLite: a storage error (6), the file untouched")
    func storage() async throws {
        let acct = try Acct()
        let path = acct.home.file("notes.txt")
        try write(Array("my notes".utf8), to: path)
        let result = try await acct("--db", path, "--offline", "status")
        #expect(result.status == 6)
        #expect(result.errorOutput == "The file at this path is not an AccountCore store. It was left as it is.\n")
        #expect(contents(of: path) == Array("my notes".utf8))
    }

    @Test("--help and --version")
    func helpAndVersion() async throws {
        let acct = try Acct()
        #expect(try await acct("--version").output == "acct 1.3.0\n")
        let help = try await acct("--help").output
        for command in ["status", "whoami", "stats", "delete request", "delete cancel", "delete finalize", "erase",
                        "rename", "sync", "outbox", "capabilities", "shell", "serve", "--offline", "--json", "[ACCT_SERVER]"] {
            #expect(help.contains(command), "\(command)")
        }
    }
}

@Suite("acct: on a terminal", .serialized)
struct AcctTerminalTests {
    @Test("acct shell: request, go offline, cancel, come back, see it sent, exit")
    func shell() async throws {
        let acct = try Acct()
        let terminal = try PseudoTerminal(Acct.binary, ["shell"], environment: acct.environment)
        #expect(try await terminal.waitFor("acct> "))
        terminal.send("delete request\n")
        #expect(try await terminal.waitFor("28 days left"), "\(terminal.output)")
        terminal.send("offline\n")
        #expect(try await terminal.waitFor("Offline: what you do is saved and sent later."))
        terminal.send("delete cancel\n")
        #expect(try await terminal.waitFor("Your cancellation is saved"), "\(terminal.output)")
        terminal.send("online\n")
        #expect(try await terminal.waitFor("Sent: cancellation."), "\(terminal.output)")
        terminal.send("status\n")
        #expect(try await terminal.waitFor("The deletion was cancelled."), "\(terminal.output)")
        terminal.send("history\n")
        #expect(try await terminal.waitFor("1  delete request"))
        terminal.send("!5\n")
        // The recalled line is echoed, then answered; one wait for either
        // line end, since a wait that fails lasts until its timeout.
        #expect(try await terminal.waitUntil {
            $0.contains("status\r\nThe deletion was cancelled.") || $0.contains("status\nThe deletion was cancelled.")
        }, "\(terminal.output)")
        terminal.send("exit\n")
        #expect(try await terminal.wait() == 0)
    }

    @Test("delete finalize asks on a terminal; anything but yes does nothing")
    func finalizeConfirmation() async throws {
        let acct = try Acct()
        _ = try await acct("delete", "request")
        let terminal = try PseudoTerminal(Acct.binary, ["delete", "finalize"], environment: acct.environment)
        #expect(try await terminal.waitFor("Type yes to continue:"))
        terminal.send("no\n")
        #expect(try await terminal.waitFor("Nothing was done."))
        #expect(try await terminal.wait() == 1)
        #expect(try await acct("status").output.contains("Your account will be deleted on"))
    }

    @Test("no command on a terminal opens the shell; acct serve runs the emulator")
    func defaultsAndServe() async throws {
        let acct = try Acct()
        let shell = try PseudoTerminal(Acct.binary, [], environment: acct.environment)
        #expect(try await shell.waitFor("acct> "))
        shell.send("\u{04}")
        #expect(try await shell.wait() == 0)

        let serve = try PseudoTerminal(Acct.binary, ["serve", "--port", "0"], environment: acct.environment)
        #expect(try await serve.waitFor("(Ctrl-C stops it)"))
        let url = serve.output.components(separatedBy: "listening at ").last?.components(separatedBy: " ").first ?? ""
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let reply = try await execute("curl", ["-s", url + "/__emulator/clock"])
        #expect(reply.output.contains("offsetSeconds"))
    }
}
