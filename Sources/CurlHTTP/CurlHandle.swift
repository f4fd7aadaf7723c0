import CCurl

/// An easy handle with a multi handle of its own, reused transfer after
/// transfer so that kept-alive connections are reused.
///
/// The transfer runs on the multi handle rather than in `curl_easy_perform`
/// so that another thread can wake it (`curl_multi_wakeup`) to notice a
/// cancellation at once. The multi handle holds the connection cache, which
/// outlives each transfer; `curl_easy_reset` clears only the options.
///
/// `@unchecked Sendable`: one thread uses a handle at a time, handed over
/// through the pool's mutex; the one call made from another thread,
/// `wakeUp()`, is `curl_multi_wakeup`, which curl documents as thread-safe.
final class CurlHandle: @unchecked Sendable {
    /// The CURL easy handle.
    private let easy: UnsafeMutableRawPointer
    /// The CURLM handle the transfers run on; owns the connection cache.
    private let multi: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: CURL_ERROR_SIZE bytes, set again after each reset.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// How long one wait for socket activity lasts, in milliseconds: how
    /// late a blocking caller's `isCancelled` may be noticed when nothing
    /// else wakes the transfer.
    private static let pollMilliseconds: Int32 = 100

    /// A new pair of handles; initializes libcurl first if needed.
    init() throws(CurlError) {
        try CurlGlobal.initialize()
        guard let easy = curl_easy_init() else {
            throw CurlError(curlCode: CURLE_FAILED_INIT, detail: "curl_easy_init failed")
        }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            throw CurlError(curlCode: CURLE_FAILED_INIT, detail: "curl_multi_init failed")
        }
        self.easy = easy
        self.multi = multi
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        // Not in the multi handle: every transfer removes it when it ends.
        // Cleaning up the multi handle closes its cached connections.
        curl_multi_cleanup(multi)
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    /// Clears every option of the last transfer and installs the error buffer.
    func reset() throws(CurlError) {
        curl_easy_reset(easy)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    /// Clears every option, keeping the connections; for a handle going idle.
    func clearOptions() {
        curl_easy_reset(easy)
    }

    /// Sets a `long` option.
    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_setopt_long(easy, option, value))
    }

    /// Sets a string option; curl copies the string.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(ccurl_setopt_string(easy, option, value))
    }

    /// Sets a pointer option.
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_setopt_pointer(easy, option, pointer))
    }

    /// Sets the request body (POSTFIELDSIZE_LARGE and COPYPOSTFIELDS): curl
    /// copies it and sends it with `Content-Length`, whatever the method.
    func set(postFields body: [UInt8]) throws(CurlError) {
        // The size first: without it curl would take the data's strlen.
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        // An empty array may have no address, and a NULL pointer would make
        // curl read the body from stdin: "" stands in for it.
        let code = body.isEmpty
            ? ccurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            : body.withUnsafeBytes { bytes in
                ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
        try check(code)
    }

    /// Sets a `curl_off_t` option.
    func set(_ option: CURLoption, offset: Int64) throws(CurlError) {
        try check(ccurl_setopt_off_t(easy, option, curl_off_t(offset)))
    }

    /// Sets a string-list option; the list must outlive the transfer.
    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws(CurlError) {
        try check(ccurl_setopt_slist(easy, option, list))
    }

    /// Sets CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION.
    func set(_ option: CURLoption, writeFunction: curl_write_callback) throws(CurlError) {
        try check(ccurl_setopt_write_function(easy, option, writeFunction))
    }

    /// Sets CURLOPT_XFERINFOFUNCTION.
    func set(xferinfoFunction: curl_xferinfo_callback) throws(CurlError) {
        try check(ccurl_setopt_xferinfo_function(easy, xferinfoFunction))
    }

    /// Runs the transfer set up on the easy handle until it ends, and returns
    /// how it ended. Returns CURLE_ABORTED_BY_CALLBACK as soon as
    /// `isCancelled` is true between two waits, as the progress callback
    /// does during the transfer.
    func run(isCancelled: () -> Bool) throws(CurlError) -> CURLcode {
        try check(curl_multi_add_handle(multi, easy))
        // Removing a handle mid-transfer closes its connection, which is
        // what an abandoned transfer must do.
        defer { curl_multi_remove_handle(multi, easy) }
        var running: Int32 = 0
        while true {
            try check(curl_multi_perform(multi, &running))
            if running == 0 { break }
            if isCancelled() { return CURLE_ABORTED_BY_CALLBACK }
            try check(curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil))
        }
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            if message.pointee.msg == CURLMSG_DONE, message.pointee.easy_handle == easy {
                return message.pointee.data.result
            }
        }
        // The multi handle always reports a finished transfer; this is a
        // defence should it not.
        return CURLE_GOT_NOTHING
    }

    /// Makes a `curl_multi_poll` under way (or the next one) return at once.
    /// Safe from any thread.
    func wakeUp() {
        curl_multi_wakeup(multi)
    }

    /// CURLINFO_RESPONSE_CODE: the last response's status; 0 when none came.
    func responseCode() throws(CurlError) -> Int {
        var code = 0
        try check(ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code))
        return code
    }

    /// CURLINFO_REQUEST_SIZE: the bytes of request curl sent during the last
    /// transfer, over every connection it tried (0 when none left).
    func requestBytesSent() -> Int {
        var size = 0
        guard ccurl_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &size) == CURLE_OK else { return 0 }
        return size
    }

    /// What curl wrote to the error buffer during the last transfer.
    var errorDetail: String {
        errorBuffer[Int(CURL_ERROR_SIZE) - 1] = 0
        return String(cString: errorBuffer)
    }

    /// Throws unless an easy call succeeded.
    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(curlCode: code, detail: errorDetail) }
    }

    /// Throws unless a multi call succeeded; such a failure is `.other`
    /// with code -1, since it has no CURLcode.
    private func check(_ code: CURLMcode) throws(CurlError) {
        guard code == CURLM_OK else {
            throw CurlError(kind: .other, code: -1, message: String(cString: curl_multi_strerror(code)))
        }
    }
}
