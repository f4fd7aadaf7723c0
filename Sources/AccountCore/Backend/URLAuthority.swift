/// The authority of an `http://` or `https://` URL (RFC 3986, 3.2): what
/// decides where a request goes, and so whether clear text stays on this
/// device.
///
/// Parsed strictly, so that no trick reads as loopback here and as another
/// host to libcurl or URLSession: the authority ends at the first `/`; a
/// userinfo (`user@`) is set aside and the host is what follows it, and an
/// authority with more than one `@` (which parsers split differently) has
/// no host; an IPv6 literal is in brackets; a port is decimal digits.
struct URLAuthority: Equatable {
    /// The host as written, lowercased, without brackets.
    let host: String
    /// Whether the host is in brackets (an IPv6 literal).
    let bracketed: Bool

    /// The authority of `url`; nil when it has none that parses.
    init?(url: String) {
        let lower = url.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else { return nil }
        let authority = lower.dropFirst(scheme.count).prefix { $0 != "/" }
        // A backslash is a slash to WHATWG parsers and not to RFC 3986 ones.
        guard !authority.contains("\\") else { return nil }
        let at = authority.split(separator: "@", omittingEmptySubsequences: false)
        guard at.count <= 2, let hostAndPort = at.last else { return nil }
        let port: Substring
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            bracketed = true
            port = hostAndPort[hostAndPort.index(after: close)...]
        } else {
            let colon = hostAndPort.firstIndex(of: ":") ?? hostAndPort.endIndex
            host = String(hostAndPort[..<colon])
            bracketed = false
            port = hostAndPort[colon...]
        }
        guard !host.isEmpty else { return nil }
        if !port.isEmpty {
            let digits = port.dropFirst()
            guard port.first == ":", !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCIIDigit),
                  let number = Int(digits), number <= 65_535 else { return nil }
        }
    }

    /// Whether the host is this device: `localhost`, an IPv4 address in
    /// 127.0.0.0/8 written as four plain decimal numbers (no leading zero,
    /// which some parsers read as octal), or `[::1]`.
    var isLoopback: Bool {
        if bracketed { return Self.isIPv6Loopback(host) }
        return host == "localhost" || Self.isIPv4Loopback(host)
    }

    private static func isIPv4Loopback(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                  part == "0" || part.first != "0", let value = Int(part), value <= 255 else { return false }
            octets.append(value)
        }
        return octets.first == 127
    }

    /// `::1` in any of its spellings (`0:0:0:0:0:0:0:1`, `::0:1`); no zone.
    private static func isIPv6Loopback(_ text: String) -> Bool {
        // Split at the first "::" by hand: the collection `split` is the
        // string-processing module's, which the shipped library leaves out.
        let characters = Array(text)
        var halves = [Substring(text)]
        if let double = characters.indices.dropLast().first(where: { characters[$0] == ":" && characters[$0 + 1] == ":" }) {
            let cut = text.index(text.startIndex, offsetBy: double)
            halves = [text[..<cut], text[text.index(cut, offsetBy: 2)...]]
        }
        func groups(_ part: Substring) -> [Substring]? {
            guard !part.isEmpty else { return [] }
            let groups = part.split(separator: ":", omittingEmptySubsequences: false)
            return groups.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isHexDigit) } ? groups : nil
        }
        guard let head = groups(halves[0]) else { return false }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return false }
            all += Array(repeating: "0", count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return false }
        let values = all.compactMap { UInt16($0, radix: 16) }
        return values.count == 8 && values.dropLast().allSatisfy { $0 == 0 } && values.last == 1
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
