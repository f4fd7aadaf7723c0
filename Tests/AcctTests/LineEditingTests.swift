import AccountCore
@testable import AcctShell
import Testing
import TestSupport

@Suite("acct's prompt: keys, the line, the history, drawing, without a terminal")
struct LineEditingTests {
    @Test("bytes become keys: controls, both forms of arrows and Home/End, Delete, UTF-8 text")
    func decoding() {
        var decoder = KeyDecoder()
        #expect(decoder.keys(from: Array("aş名👨‍👩‍👧".utf8)) == [.text("aş名👨‍👩‍👧")])
        #expect(decoder.keys(from: [0x1B, 0x5B, 0x41, 0x1B, 0x4F, 0x42, 0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x44])
                == [.up, .down, .right, .left])
        #expect(decoder.keys(from: Array("\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}[3~\u{1B}[1;5C\u{1B}b".utf8))
                == [.home, .end, .home, .end, .delete, .wordRight, .wordLeft])
        #expect(decoder.keys(from: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0B, 0x0C, 0x0D, 0x12, 0x15, 0x17, 0x7F])
                == [.home, .left, .interrupt, .endOfInput, .end, .right, .cancel, .tab, .killToEnd, .clearScreen, .enter,
                    .search, .killToStart, .killWordBackward, .backspace])
        // An unknown sequence is dropped whole, not typed.
        #expect(decoder.keys(from: Array("\u{1B}[15~x".utf8)) == [.text("x")])
    }

    @Test("a sequence or a character cut between two reads waits for its rest")
    func decodingAcrossReads() {
        var decoder = KeyDecoder()
        let bytes = Array("ş".utf8) + [0x1B, 0x5B, 0x44]
        #expect(decoder.keys(from: bytes[0..<1]) == [])
        #expect(decoder.keys(from: bytes[1..<3]) == [.text("ş")])
        #expect(decoder.keys(from: bytes[3..<4]) == [])
        #expect(decoder.keys(from: bytes[4...]) == [.left])
        // Bytes that are not UTF-8 are dropped, the rest kept.
        #expect(decoder.keys(from: [0xFF, 0x61]) == [.text("a")])
    }

    @Test("a character is one step and one Backspace, whatever its bytes: ş, İ, 名, a family emoji, é with a combining accent")
    func characters() {
        var line = LineBuffer("İş 名👨‍👩‍👧")
        #expect(line.characters.count == 5)
        line.moveLeft()
        line.deleteBackward()
        #expect(line.text == "İş 👨‍👩‍👧")
        line.moveHome()
        line.moveRight()
        line.insert("ş")
        #expect(line.text == "İşş 👨‍👩‍👧")
        #expect(line.cursor == 2)
        var accent = LineBuffer("e")
        accent.insert("\u{301}")
        #expect(accent.characters.count == 1)
        #expect(accent.cursor == 1)
    }

    @Test("editing keys: words, Ctrl-K, Ctrl-U, Ctrl-W, Delete, Ctrl-D mid-line")
    func editing() {
        var editing = LineEditing(history: [])
        for key: Key in [.text("delete request --reason bye"), .wordLeft, .wordLeft, .killToEnd] {
            _ = editing.apply(key)
        }
        #expect(editing.buffer.text == "delete request ")
        _ = editing.apply(.killWordBackward)
        #expect(editing.buffer.text == "delete ")
        _ = editing.apply(.home)
        _ = editing.apply(.delete)
        #expect(editing.apply(.endOfInput) == .edited) // deletes under the cursor: not the end
        #expect(editing.buffer.text == "lete ")
        _ = editing.apply(.end)
        _ = editing.apply(.killToStart)
        #expect(editing.buffer.text == "")
        #expect(editing.apply(.backspace) == .refused)
        #expect(editing.apply(.endOfInput) == .endOfInput)
        #expect(editing.apply(.text("status")) == .edited)
        #expect(editing.apply(.interrupt) == .interrupt)
        #expect(editing.apply(.enter) == .submit("status"))
    }

    @Test("up and down go through the history and come back to the line being typed")
    func history() {
        var editing = LineEditing(history: ["status", "stats"])
        _ = editing.apply(.text("who"))
        #expect(editing.apply(.up) == .edited)
        #expect(editing.buffer.text == "stats")
        _ = editing.apply(.up)
        #expect(editing.buffer.text == "status")
        #expect(editing.apply(.up) == .refused)
        _ = editing.apply(.down)
        _ = editing.apply(.down)
        #expect(editing.buffer.text == "who")
        #expect(editing.apply(.down) == .refused)
    }

    @Test("Ctrl-R finds the newest line holding what is typed, again for older ones; Ctrl-G puts the line back")
    func search() {
        var editing = LineEditing(history: ["delete request", "status", "delete cancel", "stats"])
        _ = editing.apply(.text("draft"))
        _ = editing.apply(.search)
        _ = editing.apply(.text("del"))
        #expect(editing.buffer.text == "delete cancel")
        #expect(editing.search?.query == "del")
        _ = editing.apply(.search)
        #expect(editing.buffer.text == "delete request")
        #expect(editing.apply(.search) == .refused)
        #expect(editing.apply(.text("x")) == .refused)
        _ = editing.apply(.backspace)
        _ = editing.apply(.cancel)
        #expect(editing.buffer.text == "draft")
        #expect(editing.search == nil)
        // Another key ends the search and acts on the line found.
        _ = editing.apply(.search)
        _ = editing.apply(.text("tat"))
        #expect(editing.buffer.text == "stats")
        #expect(editing.buffer.cursor == 1)
        _ = editing.apply(.end)
        #expect(editing.search == nil)
        #expect(editing.apply(.enter) == .submit("stats"))
    }

    @Test("the prompt and the line are drawn, wrapped, with the cursor in place, wide characters included")
    func drawing() {
        var rendering = LineRendering(columns: 10)
        var line = LineBuffer("0123456789ab")
        var screen = Screen(columns: 10)
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.lines == ["> 01234567", "89ab"])
        #expect(screen.cursor == (1, 4))
        line.moveHome()
        line.moveRight()
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.cursor == (0, 3))
        line.insert("名前")
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        // 名 fits at columns 3 and 4; 前 at 5 and 6; then 1 to 7 fill the row.
        #expect(screen.lines == ["> 0名前123", "456789ab"])
        #expect(screen.cursor == (0, 7))
        // A wide character that does not fit in the last column goes on the next row.
        line = LineBuffer("1234567名")
        screen = Screen(columns: 10)
        rendering = LineRendering(columns: 10)
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.lines == ["> 1234567", "名"])
        #expect(screen.cursor == (1, 2))
        // Exactly a row: the cursor waits at the start of the next.
        screen = Screen(columns: 10)
        rendering = LineRendering(columns: 10)
        line = LineBuffer("12345678")
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.lines == ["> 12345678", ""])
        #expect(screen.cursor == (1, 0))
        // Something printed meanwhile: the line is drawn again below it,
        // the cursor where it was.
        line.move(to: 3)
        screen.feed(rendering.redraw(prompt: "> ", line: line))
        #expect(screen.cursor == (0, 5))
        screen.feed(rendering.clear() + "Sent: deletion request.\n" + rendering.redraw(prompt: "> ", line: line))
        #expect(screen.lines == ["Sent: dele", "tion reque", "st.", "> 12345678", ""])
        #expect(screen.cursor == (3, 5))
        // Enter leaves the line whole and the cursor below it.
        screen.feed(rendering.finish(prompt: "> ", line: line))
        #expect(screen.lines == ["Sent: dele", "tion reque", "st.", "> 12345678", ""])
        #expect(screen.cursor == (4, 0))
    }

    @Test("display widths: ASCII and Turkish 1, CJK and emoji 2, controls 0")
    func widths() {
        #expect(DisplayWidth.of("status") == 6)
        #expect(DisplayWidth.of("İşçı") == 4)
        #expect(DisplayWidth.of("名前") == 4)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)
        #expect(DisplayWidth.of("🇹🇷") == 2)
        #expect(DisplayWidth.of("❤️") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{7}") == 0)
    }
}

@Suite("acct's prompt: the history file")
struct HistoryFileTests {
    @Test("kept across sessions, 0600 in a 0700 directory, bounded, without a token or a password")
    func file() throws {
        let home = try TemporaryDirectory()
        let path = home.file("state/acct/history")
        var history = History(path: path, limit: 3)
        #expect(history.entries == [])
        for line in ["status", "status", "stats", "status --token s3cr3t", "rename x --token=s3cr3t", "ACCT_TOKEN=s3cr3t sync",
                     "delete cancel --password hunter2", "delete cancel --email a@b.c --password-stdin", "whoami", "sync"] {
            let written = history.add(line)
            #expect(written)
        }
        #expect(history.entries == ["delete cancel --email a@b.c --password-stdin", "whoami", "sync"])
        #expect(mode(of: path) == 0o600)
        #expect(mode(of: home.file("state/acct")) == 0o700)
        #expect(mode(of: home.file("state")) == 0o700)
        let text = String(decoding: contents(of: path) ?? [], as: UTF8.self)
        #expect(text == "delete cancel --email a@b.c --password-stdin\nwhoami\nsync\n")
        #expect(!text.contains("s3cr3t") && !text.contains("hunter2"))
        // A later session reads it back.
        #expect(History(path: path, limit: 3).entries == history.entries)
        // A file grown past the bound by hand is cut when read.
        try write(Array("a\nb\nc\nd\ne\n".utf8), to: path)
        #expect(History(path: path, limit: 3).entries == ["c", "d", "e"])
        #expect(contents(of: path) == Array("c\nd\ne\n".utf8))
    }

    @Test("a history that cannot be written says so (false), and keeps the lines in memory")
    func unwritable() throws {
        let home = try TemporaryDirectory()
        try write([], to: home.file("file"))
        var history = History(path: home.file("file/acct/history"))
        let written = history.add("status")
        #expect(!written)
        #expect(history.entries == ["status"])
    }
}

@Suite("acct's prompt: what the history never keeps, and the intro")
struct TokenShapeTests {
    private let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    @Test("a JWT or a b64token of 32 characters or more, anywhere in the line, is not kept",
          arguments: [
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "  eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.  ",
            "whoami eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln",
            "status \"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln\"",
            "x=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln",
            "mF_9.B5f-4.1JqM/AbCdEfGhIjKlMnOpQrStUv+wx==",
            "rename 0123456789abcdef0123456789abcdef",
            "delete request --reason ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "status --device-id=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
          ])
    func tokenShaped(line: String) {
        #expect(!History.mayKeep(line))
    }

    @Test("ordinary lines are kept: commands, numbers, user names, e-mail addresses, host names, UUIDs, paths",
          arguments: [
            "delete request --days 30", "delete request --reason \"moving on, thank you for everything\"",
            "rename max_mustermann_2026", "delete cancel --email max.mustermann@example.com --password-stdin",
            "erase --confirm DELETE_MY_ACCOUNT --yes", "status --timezone UTC+05:45", "help delete request",
            "status --device-id 123e4567-e89b-12d3-a456-426614174000", "whoami --token-file /home/max/.config/acct/token-of-production",
            "status --db=/home/max/.local/share/acct/a-rather-long-store-name.sqlite", "!12", "history",
            "rename example.com.tr", "status --server https://api.example.com", "a.b.c", "eyJ.x.y",
          ])
    func ordinary(line: String) {
        #expect(History.mayKeep(line))
    }

    @Test("the intro fits 80 columns in English and Turkish, and says all it said", arguments: Language.allCases)
    func intro(language: Language) {
        let localizer = Localizer(language: language)
        let lines = InteractiveShell.intro(localizer)
        #expect(lines.count > 1)
        for line in lines { #expect(DisplayWidth.of(line) <= 80, "\(DisplayWidth.of(line)): \(line)") }
        #expect(lines.joined(separator: " ") == localizer.text(.helpShellHelp))
    }

    @Test("blanks around a line are trimmed, those inside kept")
    func trimming() {
        #expect(InteractiveShell.trimmingBlanks(" \thistory \t") == "history")
        #expect(InteractiveShell.trimmingBlanks("delete  request ") == "delete  request")
        #expect(InteractiveShell.trimmingBlanks("   ") == "")
    }
}
