/// The languages every user-facing text exists in.
public enum Language: String, Hashable, Sendable, CaseIterable {
    case english = "en"
    case turkish = "tr"

    /// The language the environment asks for: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty decides
    /// (`tr_TR.UTF-8` is Turkish); English otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let code = value.prefix { $0.isLetter }.lowercased()
            return Language(rawValue: code) ?? .english
        }
        return .english
    }
}
