import AccountCore
@testable import AcctShell
import FoundationEssentials
import Testing
import TestSupport

@Suite("acct: completion from the command table")
struct CompletionTests {
    static let english = Localizer(language: .english)

    func texts(_ words: [String], _ current: String, _ context: Completion.Context = .commandLine) -> [String] {
        Completion(context: context, localizer: Self.english).candidates(after: words, current: current).map(\.text)
    }

    @Test("commands, sub-commands, options (the command's own, not those given), values")
    func candidates() {
        #expect(texts([], "del") == ["delete"])
        #expect(texts(["delete"], "") == ["request", "cancel", "finalize"])
        #expect(texts(["delete", "request"], "--") .starts(with: CommandTable.globalOptions.map(\.name)))
        #expect(texts(["delete", "request"], "--re") == ["--reason"])
        #expect(texts(["status"], "--back") == ["--backend"])
        #expect(texts(["status"], "--re") == [])
        #expect(texts(["--json", "status"], "--j") == [])
        #expect(texts(["--backend"], "") == ["allmine", "mudbase", "ovok"])
        #expect(texts(["--offline", "--backend", "ovok", "delete"], "c") == ["cancel"])
        #expect(texts([], "--lang=t") == ["--lang=tr"])
        #expect(texts(["--timezone"], "").count == 37)
        #expect(texts(["--timezone"], "UTC+05") == ["UTC+05:00", "UTC+05:30", "UTC+05:45"])
        #expect(texts(["erase", "--confirm"], "") == ["DELETE_MY_ACCOUNT"])
        #expect(texts(["completion"], "") == ["bash", "zsh", "fish"])
        // The safe ways to give a token come first; a file's path is the shell's to complete.
        #expect(texts(["status"], "--tok") == ["--token-file", "--token-stdin", "--token"])
        #expect(texts(["--token-file"], "") == [])
        #expect(texts(["--token-stdin"], "wh") == ["whoami"])
        #expect(texts(["history"], "", .prompt) == [])
        #expect(texts(["help"], "del") == ["delete"])
        #expect(texts(["help", "delete"], "f") == ["finalize"])
        #expect(texts(["rename"], "") == [])
    }

    @Test("at the prompt: its own words, and no shell, serve or completion")
    func prompt() {
        #expect(texts([], "o", .prompt) == ["online", "offline", "outbox"])
        #expect(texts([], "s", .prompt) == ["status", "stats", "sync", "signout"])
        #expect(texts([], "s") == ["status", "stats", "sync", "signout", "servers", "shell", "serve"])
    }

    @Test("what the scripts read: bash's split --name=value, zsh's descriptions, fish's tabs")
    func answers() {
        func bash(_ words: String...) -> [String] {
            CompletionScript.answer(shell: .bash, words: words, localizer: Self.english)
        }
        #expect(bash("del") == ["delete"])
        #expect(bash("--backend", "=", "o") == ["ovok"])
        #expect(bash("--backend", "=") == ["allmine", "mudbase", "ovok"])
        #expect(bash("--lang", "=", "tr", "status", "--back") == ["--backend"])
        #expect(CompletionScript.answer(shell: .zsh, words: ["--timezone", "UTC+05:4"], localizer: Self.english)
                == ["UTC+05\\:45"])
        #expect(CompletionScript.answer(shell: .zsh, words: ["whoa"], localizer: Self.english) == ["whoami:your profile"])
        #expect(CompletionScript.answer(shell: .fish, words: ["delete", "request", "--w"], localizer: Self.english)
                == ["--wipe\twipe your data with the account (Ovok)"])
        #expect(CompletionScript.answer(shell: .fish, words: ["de"], localizer: Localizer(language: .turkish))
                == ["delete\trequest, cancel, finalize"])
    }

    @Test("the bash script: complete -p acct succeeds, and the function completes a command, an option and a value")
    func bashScript() async throws {
        let environment = ["PATH": buildDirectory + ":/usr/bin:/bin", "LANG": "en_US.UTF-8", "HOME": "/nonexistent"]
        var result = try await execute("/bin/bash", ["-c", "source <(acct completion bash); complete -p acct"],
                                       environment: environment)
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output == "complete -o default -F _acct acct\n")
        func complete(_ words: String) async throws -> String {
            let script = "source <(acct completion bash); COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                + "_acct; printf '%s\\n' \"${COMPREPLY[@]}\""
            let result = try await execute("/bin/bash", ["-c", script], environment: environment)
            #expect(result.status == 0, "\(result.errorOutput)")
            return result.output
        }
        #expect(try await complete("acct del") == "delete\n")
        #expect(try await complete("acct status --back") == "--backend\n")
        #expect(try await complete("acct delete request --w") == "--wipe\n")
        #expect(try await complete("acct --backend ''") == "allmine\nmudbase\novok\n")
        #expect(try await complete("acct --lang = t") == "tr\n")
        result = try await execute("/bin/bash", ["-c", "acct completion powershell"], environment: environment)
        #expect(result.status == 2)
        #expect(result.errorOutput == "The value of completion is not valid: powershell\n")
    }
}

@Suite("acct: help, capabilities and erase's confirmation, in English and Turkish")
struct HelpAndWordsTests {
    @Test("every help holds in 80 columns, in both languages; a command's has its options and examples",
          arguments: [Language.english, .turkish])
    func helpWidth(language: Language) throws {
        let localizer = Localizer(language: language)
        var texts = [Help.text(localizer)] + CommandTable.commands.map { Help.text(for: $0, localizer) }
        texts.append(try Help.text(for: ["delete"], localizer))
        for text in texts {
            for line in text.split(separator: "\n") {
                #expect(DisplayWidth.of(line) <= 80, "\(line.count): \(line)")
            }
        }
        let erase = Help.text(for: try #require(CommandTable.command(startingWith: ["erase"])), localizer)
        let examples = language == .english ? "examples:" : "örnekler:"
        #expect(erase.contains("\n\(examples)\n  acct --backend mudbase erase --confirm DELETE_MY_ACCOUNT\n"))
        #expect(erase.contains("  --yes  ") || erase.contains("  --yes   "))
        #expect(throws: UsageError.unknownCommand("bogus")) { try Help.text(for: ["bogus"], localizer) }
    }

    @Test("acct help CMD and acct CMD --help, in English and Turkish",
          arguments: [("en_US.UTF-8", "usage: acct [options] delete request [--reason T] [--days N] [--wipe]\n    [--yes]",
                       "  --wipe      wipe your data with the account (Ovok)"),
                      ("tr_TR.UTF-8", "kullanım: acct [seçenekler] delete request [--reason T] [--days N] [--wipe]\n    [--yes]",
                       "  --wipe      hesapla birlikte verilerinizi de silin (Ovok)")])
    func commandHelp(language: String, usage: String, wipe: String) async throws {
        let acct = try Acct(language: language)
        let first = try await acct("help", "delete", "request")
        #expect(first.status == 0)
        #expect(first.output.hasPrefix(usage + "\n\n"), "\(first.output)")
        #expect(first.output.contains("\n" + wipe + "\n"), "\(first.output)")
        #expect(first.output.contains("  acct --backend ovok delete request --days 10 --wipe\n"))
        let second = try await acct("delete", "request", "--help")
        #expect(second.output == first.output)
        let unknown = try await acct("help", "bogus")
        #expect(unknown.status == 2)
        let group = try await acct("delete")
        #expect(group.status == 2)
        #expect(group.errorOutput == (language.hasPrefix("tr")
            ? "delete komutu şunlardan birini gerektirir: request, cancel, finalize. acct help delete komutunu çalıştırın.\n"
            : "The command delete needs one of: request, cancel, finalize. Run acct help delete.\n"))
    }

    @Test("capabilities in sentences, in English and Turkish",
          arguments: [("en_US.UTF-8", "allmine", ["Back end: allmine",
                                                   "Deleting the account: on request, after a grace period of 28 days; the account is locked until then",
                                                   "Cancelling a deletion: through the app, until the deadline",
                                                   "Deleting at once: offered (delete finalize), after a confirmation",
                                                   "Erasing your personal data (GDPR): not offered",
                                                   "Changing the username: offered (rename), once every 30 days",
                                                   "Deletion status: asked of the server (status)",
                                                   "Profile: offered (whoami)", "Statistics: offered (stats)"]),
                      ("tr_TR.UTF-8", "ovok", ["Hizmet: ovok",
                                                "Hesap silme: talep üzerine, seçtiğiniz 1 ile 365 gün sonra; verileriniz de birlikte silinebilir (--wipe)",
                                                "Silmeyi iptal etme: e-posta ve şifrenizle yeniden giriş yaparak, son tarihe kadar",
                                                "Hemen silme: sunulmuyor", "Kişisel verileri silme (KVKK/GDPR): sunulmuyor",
                                                "Kullanıcı adını değiştirme: sunulmuyor",
                                                "Silme durumu: bu cihazın burada yapılanlardan bildiği (status)",
                                                "Profil: sunulmuyor", "İstatistikler: sunulmuyor"]),
                      ("tr_TR.UTF-8", "mudbase", ["Hizmet: mudbase", "Hesap silme: sunulmuyor",
                                                   "Silmeyi iptal etme: talep edildikten sonra mümkün değil",
                                                   "Hemen silme: sunulmuyor",
                                                   "Kişisel verileri silme (KVKK/GDPR): sunuluyor (erase), onaydan sonra; iptal edilemez",
                                                   "Kullanıcı adını değiştirme: sunulmuyor",
                                                   "Silme durumu: bu cihazın burada yapılanlardan bildiği (status)",
                                                   "Profil: sunulmuyor", "İstatistikler: sunulmuyor"])])
    func capabilities(language: String, backend: String, expected: [String]) async throws {
        let acct = try Acct(language: language)
        let result = try await acct("--offline", "--backend", backend, "capabilities")
        #expect(result.status == 0)
        #expect(lines(result.output) == expected)
        #expect(!result.output.contains("–"))
    }

    @Test("erase off a terminal, without --yes: nothing is done, exit 2, and it says why; in English and Turkish",
          arguments: [("en_US.UTF-8", "erase asks before it acts, and can't ask here: standard input is not a terminal, or --json was given. Nothing was done. Add --yes to confirm without being asked.\n"),
                      ("tr_TR.UTF-8", "erase işlemden önce onay ister, ancak burada soramaz: standart girdi bir terminal değil ya da --json verildi. Hiçbir şey yapılmadı. Sorulmadan onaylamak için --yes ekleyin.\n")])
    func eraseRefused(language: String, message: String) async throws {
        let acct = try Acct(language: language)
        var result = try await acct("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT")
        #expect(result.status == 2)
        #expect(result.output == "")
        #expect(result.errorOutput == message)
        result = try await acct("--json", "--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT")
        #expect(result.status == 2)
        // Nothing reached the server: the account can still erase.
        result = try await acct("--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT", "--yes")
        #expect(result.status == 0, "\(result.errorOutput)")
    }

    @Test("erase on a terminal says what it will do, then asks; no answer does nothing, yes erases; in English and Turkish",
          arguments: [("en_US.UTF-8", "Erasing asks the service to anonymize your personal data", "Type yes to erase your data now:",
                       "yes", "Nothing was done.", "Erasure started"),
                      ("tr_TR.UTF-8", "Silme işlemi, hizmetten kişisel verilerinizi anonimleştirmesini",
                       "Verilerinizi şimdi silmek için evet yazın:", "evet", "Hiçbir şey yapılmadı.", "Silme işlemi başladı")])
    func eraseAsks(language: String, plan: String, question: String, yes: String, cancelled: String, done: String) async throws {
        let acct = try Acct(language: language)
        let arguments = ["--backend", "mudbase", "erase", "--confirm", "DELETE_MY_ACCOUNT"]
        var terminal = try PseudoTerminal(Acct.binary, arguments, environment: acct.environment)
        #expect(try await terminal.waitFor(question), "\(terminal.output)")
        // What it will do comes before the question.
        let said = terminal.output
        let planAt = try #require(said.firstRange(of: plan)).lowerBound
        #expect(planAt < (said.firstRange(of: question)?.lowerBound ?? said.startIndex))
        terminal.send("no\n")
        #expect(try await terminal.waitFor(cancelled))
        #expect(try await terminal.wait() == 1)
        terminal = try PseudoTerminal(Acct.binary, arguments, environment: acct.environment)
        #expect(try await terminal.waitFor(question))
        terminal.send(yes + "\n")
        #expect(try await terminal.waitFor(done), "\(terminal.output)")
        #expect(try await terminal.wait() == 0)
    }
}
