import AccountCore

/// The shell's own texts (`Localization/AcctShell/*.json`: help, usage
/// errors, `serve`), compiled into this module as its own `TextKey` and
/// `TextTables`; the core's tables keep only what every front end shows.
extension Localizer {
    /// The shell's text of `key` in this language (English when it has
    /// none), its `{name}` placeholders filled from `arguments`.
    func text(_ key: TextKey, _ arguments: [String: String] = [:]) -> String {
        guard let entry = TextTables.entry(key, language: language.rawValue) ?? TextTables.entry(key, language: "en") else {
            return key.rawValue
        }
        let template: String = switch entry {
        case .text(let text): text
        case .plural(_, let other): other
        }
        return Localizer.fill(template, with: arguments)
    }
}
