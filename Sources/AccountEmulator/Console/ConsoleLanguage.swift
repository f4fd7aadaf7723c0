import AccountCore

/// The language the console speaks to one request: `?lang=en` or
/// `?lang=tr` when given, else the browser's first choice that we speak
/// (`Accept-Language`, by its weights), else English.
enum ConsoleLanguage {
    static func chosen(for request: HTTPRequest) -> Language {
        if let asked = request.queryValue("lang").flatMap(Language.init(rawValue:)) { return asked }
        return request.headers["Accept-Language"].flatMap(preferred) ?? .english
    }

    /// The language of `header` (`tr-TR,tr;q=0.9,en;q=0.8`) with the highest
    /// weight among those we speak, the first of equals; nil when none.
    static func preferred(_ header: String) -> Language? {
        var best: (language: Language, weight: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingHTTPWhitespace() }
            guard let tag = parts.first, let primary = tag.lowercased().split(separator: "-").first,
                  let language = Language(rawValue: String(primary)) else { continue }
            let weight = parts.dropFirst().first { $0.lowercased().hasPrefix("q=") }
                .map { Double($0.dropFirst(2)) ?? 0 } ?? 1
            guard weight > 0, weight > best?.weight ?? 0 else { continue }
            best = (language, weight)
        }
        return best?.language
    }
}
