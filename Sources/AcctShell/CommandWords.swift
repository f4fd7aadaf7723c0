/// A prompt's line as words: spaces split them, double or single quotes
/// keep spaces in one.
enum CommandWords {
    /// The words of `line`.
    static func split(_ line: String) -> [String] {
        let (words, last) = scan(line)
        return last.map { words + [$0.word] } ?? words
    }

    /// The words before the one being typed at the end of `text`, that word
    /// (empty after a space) and how many characters of `text` it takes,
    /// quotes included: what Tab replaces.
    static func completing(_ text: String) -> (words: [String], current: String, length: Int) {
        let (words, last) = scan(text)
        return (words, last?.word ?? "", last?.length ?? 0)
    }

    /// The finished words, and the word still open at the end with its
    /// length in characters.
    private static func scan(_ line: String) -> (words: [String], last: (word: String, length: Int)?) {
        var words: [String] = []
        var current = ""
        var length = 0
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                length += 1
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
                length += 1
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                length = 0
                inWord = false
            } else {
                current.append(character)
                length += 1
                inWord = true
            }
        }
        return (words, inWord ? (current, length) : nil)
    }
}
