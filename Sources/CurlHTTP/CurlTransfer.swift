import CCurl
import HTTPLimits

/// What curl's callbacks collect during one transfer; reached from them
/// through their userdata pointer. Used on the transfer's thread only.
final class CurlTransfer {
    /// The most body bytes accepted.
    let maxResponseBytes: Int
    /// The most header bytes of one response accepted: curl limits only
    /// each line, and a server must not make us collect fields without end.
    /// The same for every transport (`HTTPResponseLimits`).
    static let maxHeaderBytes = HTTPResponseLimits.maximumHeaderBytes
    /// The most header fields of one response accepted (`HTTPResponseLimits`).
    static let maxHeaderCount = HTTPResponseLimits.maximumHeaderCount
    /// Polled by the progress callback; true aborts the transfer.
    let isCancelled: () -> Bool
    /// The body of the current response.
    private(set) var body: [UInt8] = []
    /// The header fields of the current response.
    private(set) var headers: [(name: String, value: String)] = []
    /// Header bytes of the current response so far.
    private var headerBytes = 0
    /// Whether a callback refused data past `maxResponseBytes`.
    private(set) var exceededLimit = false

    /// A transfer accepting up to `maxResponseBytes`, cancelled by `isCancelled`.
    init(maxResponseBytes: Int, isCancelled: @escaping () -> Bool) {
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.isCancelled = isCancelled
    }

    /// The pointer the callbacks get back; valid while `self` is alive.
    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// CURLOPT_WRITEFUNCTION: appends body bytes; returns 0 past the limit,
    /// which makes curl fail with CURLE_WRITE_ERROR.
    static let writeBody: curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else { return 0 }
        guard length <= transfer.maxResponseBytes - transfer.body.count else {
            transfer.exceededLimit = true
            return 0
        }
        if let data, length > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
            }
        }
        return length
    }

    /// CURLOPT_HEADERFUNCTION: collects one header line. A status line starts
    /// a new response (after an interim 1xx), so what
    /// was collected is dropped and only the final response's fields remain.
    static let collectHeader: curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else { return 0 }
        guard let data, length > 0 else { return length }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            Array(UnsafeBufferPointer(start: bytes, count: length))
        }
        return transfer.receive(headerLine: line) ? length : 0
    }

    /// CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer with
    /// CURLE_ABORTED_BY_CALLBACK.
    static let checkCancelled: curl_xferinfo_callback = { userdata, _, _, _, _ in
        guard let userdata else { return 1 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        return transfer.isCancelled() ? 1 : 0
    }

    /// Takes one raw header line (with its CRLF); false when the response's
    /// header block grew past `maxHeaderBytes` or `maxHeaderCount` fields.
    private func receive(headerLine line: [UInt8]) -> Bool {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        let content = line[line.startIndex..<end]
        if content.starts(with: Array("HTTP/".utf8)) {
            headers = []
            body = []
            headerBytes = 0
        }
        headerBytes += line.count
        guard headerBytes <= Self.maxHeaderBytes else {
            exceededLimit = true
            return false
        }
        if content.isEmpty || content.starts(with: Array("HTTP/".utf8)) { return true }
        if let first = content.first, first == 0x20 || first == 0x09 {
            // An obsolete folded line continues the previous field's value.
            if let last = headers.indices.last {
                let more = Self.trimmed(content)
                headers[last].value += headers[last].value.isEmpty ? more : " " + more
            }
            return true
        }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { return true }
        guard headers.count < Self.maxHeaderCount else {
            exceededLimit = true
            return false
        }
        let name = String(decoding: content[content.startIndex..<colon], as: UTF8.self)
        headers.append((name: name, value: Self.trimmed(content[(colon + 1)...])))
        return true
    }

    /// `bytes` as text without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
