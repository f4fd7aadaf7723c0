import AccountCore

/// What Tab offers for the word being typed, read from `CommandTable`:
/// commands and their sub-commands, options (those of every command and
/// the command's own, not those given already) and their values (back
/// ends, languages, the 37 time zones). The prompt's Tab and the scripts
/// of `acct completion` both ask it.
struct Completion {
    /// Where the words are typed: after `acct` in a shell, or at `acct`'s
    /// own prompt (which knows `online`, `history`, ... and has no
    /// `shell`, `serve`, `completion` or `servers`).
    enum Context {
        case commandLine
        case prompt
    }

    /// A word Tab may put in place of the one typed, and what it is.
    struct Candidate: Equatable {
        let text: String
        var description = ""
    }

    let context: Context
    let localizer: Localizer

    /// The candidates for `current` after `words`, each a whole word that
    /// begins with what was typed.
    func candidates(after words: [String], current: String) -> [Candidate] {
        if current.hasPrefix("--"), let equals = current.firstIndex(of: "=") {
            let name = String(current[..<equals])
            guard let kind = CommandTable.optionsByName[name]?.value else { return [] }
            return values(kind, typed: String(current[current.index(after: equals)...]))
                .map { Candidate(text: name + "=" + $0.text) }
        }
        if let last = words.last, let kind = CommandTable.optionsByName[last]?.value {
            return values(kind, typed: current)
        }
        var positional: [String] = []
        var given: Set<String> = []
        var valueFollows = false
        for word in words {
            if valueFollows {
                valueFollows = false
            } else if word.hasPrefix("-"), word.count > 1 {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                guard let option = CommandTable.optionsByName[name] else { continue }
                given.insert(option.name)
                valueFollows = option.value != nil && !word.contains("=")
            } else {
                positional.append(word)
            }
        }
        if current.hasPrefix("-") {
            let own = CommandTable.command(startingWith: positional)?.options ?? []
            return (CommandTable.globalOptions + own)
                .filter { !given.contains($0.name) && $0.name.hasPrefix(current) }
                .map { Candidate(text: $0.name, description: localizer.text($0.help)) }
        }
        return nextWords(after: positional, typed: current, arguments: true)
    }

    /// The words that may follow `positional`: the next word of a command,
    /// or its argument's values.
    private func nextWords(after positional: [String], typed: String, arguments: Bool) -> [Candidate] {
        if positional.first == "help" {
            // The commands' words again, without their arguments.
            return nextWords(after: Array(positional.dropFirst()), typed: typed, arguments: false)
        }
        var candidates: [Candidate] = []
        if positional.isEmpty, context == .prompt {
            candidates = CommandTable.shellWords.map { Candidate(text: $0) }
        }
        let hidden: Set<String> = context == .prompt ? ["shell", "serve", "completion", "servers"] : []
        for spec in CommandTable.commands(under: positional) where spec.words.count > positional.count {
            let word = spec.words[positional.count]
            guard !hidden.contains(word), !candidates.contains(where: { $0.text == word }) else { continue }
            let group = CommandTable.commands(under: positional + [word])
            let description = group.count == 1 && group[0].words.count == positional.count + 1
                ? localizer.text(group[0].summary)
                : group.map { $0.words.dropFirst(positional.count + 1).joined(separator: " ") }.joined(separator: ", ")
            candidates.append(Candidate(text: word, description: description))
        }
        if arguments, let argument = CommandTable.commands.first(where: { $0.words == positional })?.argument {
            candidates += argument.choices.map { Candidate(text: $0) }
        }
        return candidates.filter { $0.text.hasPrefix(typed) }
    }

    private func values(_ kind: ValueKind, typed: String) -> [Candidate] {
        kind.choices.filter { $0.hasPrefix(typed) }.map { Candidate(text: $0) }
    }

    /// The longest beginning all `candidates` share, in characters.
    static func commonPrefix(_ candidates: [Candidate]) -> String {
        guard var prefix = candidates.first.map({ Array($0.text) }) else { return "" }
        for candidate in candidates.dropFirst() {
            let text = Array(candidate.text)
            var count = 0
            while count < min(prefix.count, text.count), prefix[count] == text[count] { count += 1 }
            prefix.removeSubrange(count...)
        }
        return String(prefix)
    }
}
