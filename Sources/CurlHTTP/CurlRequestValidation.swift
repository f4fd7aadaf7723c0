extension CurlRequest {
    /// Throws `.invalidRequest` (code -1) for what must never reach curl.
    ///
    /// A CR or LF in a header would let a value smuggle in fields or a second
    /// request, and a NUL would silently cut it short in C; curl passes such
    /// bytes through, so they are refused here. Messages name the header by
    /// position and never quote a value, which may be a token.
    func validate() throws(CurlError) {
        guard CurlASCII.isToken(method) else {
            throw .invalidRequest("the method is not an HTTP token")
        }
        if method == "HEAD", body != nil {
            throw .invalidRequest("a HEAD request cannot have a body")
        }
        try Self.validate(url: url)
        for (index, header) in headers.enumerated() {
            guard CurlASCII.isToken(header.name) else {
                throw .invalidRequest("header \(index + 1): the name is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidRequest("header \(index + 1) (\(header.name)): the value holds CR, LF or NUL")
            }
        }
    }

    /// Throws unless `url` is an absolute http or https URL free of control
    /// characters; curl would otherwise guess a scheme for "host/path", and a
    /// NUL would cut the URL short on its way to C.
    private static func validate(url: String) throws(CurlError) {
        let lowercased = String(decoding: url.utf8.prefix(8).map(CurlASCII.lowercased), as: UTF8.self)
        guard lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") else {
            throw .invalidRequest("the URL is not an absolute http:// or https:// URL")
        }
        guard !url.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .invalidRequest("the URL holds a control character")
        }
    }
}
