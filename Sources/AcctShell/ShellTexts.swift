import AccountCore

/// The shell's own texts (`Localization/AcctShell/*.json`: help, usage
/// errors, `serve`), compiled into this module as its own `TextKey` and
/// `TextTables`; the core's tables keep only what every front end shows.
extension Localizer {
    /// The shell's text of `key` in this language (English when it has
    /// none), its `{name}` placeholders filled from `arguments`, and
    /// `{count}`, which also picks the singular or the plural, from `count`.
    func text(_ key: TextKey, _ arguments: [String: String] = [:], count: Int? = nil) -> String {
        guard let entry = TextTables.entry(key, language: language.rawValue) ?? TextTables.entry(key, language: "en") else {
            return key.rawValue
        }
        let template: String = switch entry {
        case .text(let text): text
        case .plural(let one, let other): count == 1 ? one : other
        }
        var values = arguments
        if let count { values["count"] = number(count) }
        return Localizer.fill(template, with: values)
    }
}
