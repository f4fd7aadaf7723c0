import AccountCore

/// `acct completion bash|zsh|fish`: a script that makes the user's shell
/// complete `acct` on Tab. Each asks `acct __complete SHELL WORDS…` for
/// the candidates, so the shells complete from the same table as the
/// parser, the help and the prompt.
enum CompletionScript {
    /// The shells a script is made for.
    enum Shell: String, CaseIterable, Sendable {
        case bash
        case zsh
        case fish
    }

    /// The hidden command the scripts call.
    static let command = "__complete"

    /// The script for `shell`.
    static func script(for shell: Shell) -> String {
        switch shell {
        case .bash:
            """
            # acct's completion for bash. Load it with: source <(acct completion bash)
            _acct() {
                local IFS=$'\\n'
                COMPREPLY=($("${COMP_WORDS[0]}" \(command) bash "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
            }
            complete -o default -F _acct acct
            """
        case .zsh:
            """
            #compdef acct
            # acct's completion for zsh. Load it with: source <(acct completion zsh)
            _acct() {
                local -a candidates
                candidates=("${(@f)$("${words[1]}" \(command) zsh "${(@)words[2,CURRENT]}" 2>/dev/null)}")
                if [[ -n "${candidates[1]}" ]]; then
                    _describe -t values acct candidates
                else
                    _files
                fi
            }
            compdef _acct acct
            """
        case .fish:
            """
            # acct's completion for fish. Load it with: acct completion fish | source
            function __acct_complete
                set -l words (commandline -opc)
                set -e words[1]
                acct \(command) fish $words (commandline -ct) 2>/dev/null
            end
            complete -c acct -f -a '(__acct_complete)'
            """
        }
    }

    /// What `acct __complete SHELL WORDS…` prints: one candidate a line
    /// for the last of `words`, in the form the script of `shell` reads.
    static func answer(shell: Shell, words: [String], localizer: Localizer) -> [String] {
        var words = words
        var current = words.popLast() ?? ""
        // Bash splits `--backend=ov` into `--backend`, `=`, `ov`, and
        // replaces only the part after `=`.
        var replaced = ""
        if shell == .bash {
            words = joinedAtEquals(words)
            if current == "=", let name = words.last, name.hasPrefix("--") {
                words.removeLast()
                replaced = name + "="
                current = replaced
            } else if words.last == "=", words.count >= 2, words[words.count - 2].hasPrefix("--") {
                replaced = words[words.count - 2] + "="
                current = replaced + current
                words.removeLast(2)
            }
        }
        let candidates = Completion(context: .commandLine, localizer: localizer).candidates(after: words, current: current)
        return candidates.map { candidate in
            switch shell {
            case .bash: String(candidate.text.dropFirst(replaced.count))
            case .zsh: candidate.text.replacing(":", with: "\\:") + (candidate.description.isEmpty ? "" : ":" + candidate.description)
            case .fish: candidate.text + (candidate.description.isEmpty ? "" : "\t" + candidate.description)
            }
        }
    }

    /// `--backend`, `=`, `ovok` as bash splits them: one word again.
    private static func joinedAtEquals(_ words: [String]) -> [String] {
        var joined: [String] = []
        var index = 0
        while index < words.count {
            if index + 2 < words.count, words[index].hasPrefix("--"), words[index + 1] == "=" {
                joined.append(words[index] + "=" + words[index + 2])
                index += 3
            } else {
                joined.append(words[index])
                index += 1
            }
        }
        return joined
    }
}
