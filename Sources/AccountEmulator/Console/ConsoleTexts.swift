import AccountCore

/// The console's texts (`Localization/AccountEmulator/*.json`, compiled
/// into this module as its own `TextKey` and `TextTables`).
enum ConsoleTexts {
    /// The text of `key` in `language`, `{name}` placeholders filled from `values`.
    static func text(_ key: TextKey, _ language: Language, _ values: [String: String] = [:]) -> String {
        let template: String = switch entry(key, language) {
        case .text(let text): text
        case .plural(_, let other): other
        }
        return Localizer.fill(template, with: values)
    }

    /// Every text of `language` by its key, a plural as `{"one", "other"}`:
    /// what the page's script fills in itself.
    static func json(_ language: Language) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: TextKey.allCases.map { key -> (String, JSONValue) in
            switch entry(key, language) {
            case .text(let text): (key.rawValue, .string(text))
            case .plural(let one, let other): (key.rawValue, ["one": .string(one), "other": .string(other)])
            }
        }))
    }

    /// The label of a fault's mode: a switch, so a new mode needs its text.
    static func key(of mode: Fault.Mode) -> TextKey {
        switch mode {
        case .serverError: .modeServerError
        case .badGateway: .modeBadGateway
        case .rateLimited: .modeRateLimited
        case .unavailable: .modeUnavailable
        case .closeBeforeAnswer: .modeCloseBeforeAnswer
        case .applyThenClose: .modeApplyThenClose
        case .delay: .modeDelay
        case .allmineWithoutEnvelope: .modeAllmineWithoutEnvelope
        case .ovokScheduledEmptyObject: .modeOvokScheduledEmptyObject
        case .status: .modeStatus
        case .notJSON: .modeNotJSON
        case .wrongFieldType: .modeWrongFieldType
        case .redirect: .modeRedirect
        }
    }

    /// The build fails on a key missing from a table, so English stands in
    /// only for a language without a table.
    private static func entry(_ key: TextKey, _ language: Language) -> TextEntry {
        TextTables.entry(key, language: language.rawValue) ?? TextTables.entry(key, language: "en") ?? .text(key.rawValue)
    }
}
