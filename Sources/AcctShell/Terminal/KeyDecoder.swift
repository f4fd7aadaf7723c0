/// A key the line editor acts on, decoded from what the terminal sends.
enum Key: Equatable, Sendable {
    /// Printable text: one or more characters typed or pasted.
    case text(String)
    case enter
    case backspace
    case delete
    case left
    case right
    case wordLeft
    case wordRight
    case home
    case end
    case up
    case down
    case tab
    /// Ctrl-K.
    case killToEnd
    /// Ctrl-U.
    case killToStart
    /// Ctrl-W (and Alt-Backspace).
    case killWordBackward
    /// Ctrl-L.
    case clearScreen
    /// Ctrl-C.
    case interrupt
    /// Ctrl-D.
    case endOfInput
    /// Ctrl-R.
    case search
    /// Ctrl-G.
    case cancel
}

/// Turns the bytes a terminal sends into keys: control characters, the
/// escape sequences of arrows and Home/End/Delete (both the `CSI` and the
/// `SS3` forms), and UTF-8 text. A sequence or a character cut between two
/// reads waits in `pending` for the rest.
struct KeyDecoder {
    private var pending: [UInt8] = []

    /// The keys `bytes` complete, in order; consecutive text is one key.
    mutating func keys(from bytes: some Sequence<UInt8>) -> [Key] {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        var index = 0
        func add(_ key: Key) {
            if case .text(let more) = key, case .text(let text)? = keys.last {
                keys[keys.count - 1] = .text(text + more)
            } else {
                keys.append(key)
            }
        }
        while index < pending.count {
            let byte = pending[index]
            if byte == 0x1B {
                guard let (key, length) = Self.escape(pending[index...]) else { break }
                if let key { add(key) }
                index += length
            } else if byte < 0x20 || byte == 0x7F {
                if let key = Self.controls[byte] { add(key) }
                index += 1
            } else {
                let length = Self.utf8Length(byte)
                guard index + length <= pending.count else { break }
                let scalar = pending[index..<(index + length)]
                if length > 0, let text = String(validating: scalar, as: UTF8.self) {
                    add(.text(text))
                    index += length
                } else {
                    index += 1 // not UTF-8: dropped, as a terminal would show nothing sensible for it
                }
            }
        }
        pending.removeFirst(index)
        return keys
    }

    private static let controls: [UInt8: Key] = [
        0x01: .home, 0x02: .left, 0x03: .interrupt, 0x04: .endOfInput, 0x05: .end, 0x06: .right, 0x07: .cancel,
        0x08: .backspace, 0x09: .tab, 0x0A: .enter, 0x0B: .killToEnd, 0x0C: .clearScreen, 0x0D: .enter,
        0x0E: .down, 0x10: .up, 0x12: .search, 0x15: .killToStart, 0x17: .killWordBackward, 0x7F: .backspace,
    ]

    /// The bytes of a UTF-8 character that starts with `byte`; 0 when it
    /// cannot start one.
    private static func utf8Length(_ byte: UInt8) -> Int {
        switch byte {
        case 0x00..<0x80: 1
        case 0xC2..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0..<0xF5: 4
        default: 0
        }
    }

    /// The key an escape sequence at the start of `bytes` means (nil for
    /// one we do not use) and its length; nil when it is not complete yet.
    private static func escape(_ bytes: ArraySlice<UInt8>) -> (Key?, Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        switch bytes[start + 1] {
        case UInt8(ascii: "["):
            // CSI: parameters, then one final byte in 0x40...0x7E.
            var end = start + 2
            while end < bytes.endIndex, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
            guard end < bytes.endIndex else { return nil }
            let parameters = String(decoding: bytes[(start + 2)..<end], as: UTF8.self)
            return (csi(parameters, final: bytes[end]), end - start + 1)
        case UInt8(ascii: "O"):
            guard bytes.count >= 3 else { return nil }
            return (csi("", final: bytes[start + 2]), 3)
        case UInt8(ascii: "b"): return (.wordLeft, 2)
        case UInt8(ascii: "f"): return (.wordRight, 2)
        case 0x7F, 0x08: return (.killWordBackward, 2)
        default: return (nil, 2)
        }
    }

    private static func csi(_ parameters: String, final: UInt8) -> Key? {
        let control = parameters.hasSuffix(";5") || parameters == "5"
        switch (parameters, final) {
        case (_, UInt8(ascii: "A")): return .up
        case (_, UInt8(ascii: "B")): return .down
        case (_, UInt8(ascii: "C")): return control ? .wordRight : .right
        case (_, UInt8(ascii: "D")): return control ? .wordLeft : .left
        case (_, UInt8(ascii: "H")), ("1", UInt8(ascii: "~")), ("7", UInt8(ascii: "~")): return .home
        case (_, UInt8(ascii: "F")), ("4", UInt8(ascii: "~")), ("8", UInt8(ascii: "~")): return .end
        case ("3", UInt8(ascii: "~")): return .delete
        default: return nil
        }
    }
}
