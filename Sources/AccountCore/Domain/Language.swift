/// The languages every user-facing text exists in.
public enum Language: String, Hashable, Sendable, Codable, CaseIterable {
    case english = "en"
    case turkish = "tr"
}
