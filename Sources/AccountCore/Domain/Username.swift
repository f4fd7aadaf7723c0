/// A username that obeys the contract's policy: 3 to 30 characters of
/// `a-z 0-9 _ .`, starting with a letter, with no `..` and no trailing `.`.
///
/// ASCII capitals fold to lowercase (`New_Name` is `new_name`). Nothing else
/// is folded: `İ`, `ı`, `ş`, `ß`, full-width letters, spaces and emoji are
/// refused with the character named, because a locale-dependent mapping
/// would turn `İ` into `i̇` or `i` and give the user a name they never typed.
public struct Username: Hashable, Sendable, CustomStringConvertible {
    /// The shortest allowed length.
    public static let minimumLength = 3
    /// The longest allowed length.
    public static let maximumLength = 30

    /// The folded, valid name.
    public let value: String

    /// Validates `raw` and folds its ASCII capitals.
    public init(validating raw: String) throws(UsernameProblem) {
        var folded: [UInt8] = []
        var length = 0
        // Characters, not bytes or scalars, so a refused emoji or a letter
        // with a combining mark is named whole.
        for character in raw {
            length += 1
            guard let byte = Self.allowedByte(for: character) else {
                throw .invalidCharacter(character)
            }
            folded.append(byte)
        }
        guard length >= Self.minimumLength else { throw .tooShort(length: length) }
        guard length <= Self.maximumLength else { throw .tooLong(length: length) }
        guard let first = folded.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            throw .mustStartWithLetter
        }
        for index in folded.indices.dropFirst() where folded[index] == UInt8(ascii: ".") && folded[index - 1] == UInt8(ascii: ".") {
            throw .consecutiveDots
        }
        guard folded.last != UInt8(ascii: ".") else { throw .endsWithDot }
        self.value = String(decoding: folded, as: UTF8.self)
    }

    /// As `init(validating:)`, the problem being the `invalidInput` error
    /// the user is shown.
    public init(parsing raw: String) throws(AccountError) {
        do {
            try self.init(validating: raw)
        } catch {
            throw AccountError(.invalidInput(.username(error)))
        }
    }

    /// The byte an allowed character stands for after folding, or nil.
    private static func allowedByte(for character: Character) -> UInt8? {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first,
              scalar.isASCII else { return nil }
        let byte = UInt8(scalar.value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."):
            return byte
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return byte + 32
        default:
            return nil
        }
    }

    public var description: String { value }
}

/// Why a username was refused.
public enum UsernameProblem: Error, Hashable, Sendable {
    /// Fewer than 3 characters.
    case tooShort(length: Int)
    /// More than 30 characters.
    case tooLong(length: Int)
    /// The first character is not a letter a-z.
    case mustStartWithLetter
    /// A character outside `a-z 0-9 _ .` (after folding ASCII capitals).
    case invalidCharacter(Character)
    /// Two dots in a row.
    case consecutiveDots
    /// A dot at the end.
    case endsWithDot
    /// The same name the account has now.
    case unchanged
}
