import CCurl

extension CurlHandle {
    /// Resets the handle and sets every option of one transfer of `request`,
    /// reporting to `transfer`, with `headerList` as its header fields.
    func configure(for request: CurlRequest, configuration: CurlSession.Configuration,
                   transfer: CurlTransfer, headerList: UnsafeMutablePointer<curl_slist>) throws(CurlError) {
        try reset()
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        if request.method == "HEAD" {
            // A custom "HEAD" would leave curl waiting for a body.
            try set(CURLOPT_NOBODY, 1)
        } else {
            try set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body { try set(postFields: body) }
        try set(CURLOPT_HTTPHEADER, list: headerList)
        try set(CURLOPT_CONNECTTIMEOUT_MS, CurlSession.Configuration.milliseconds(configuration.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, CurlSession.Configuration.milliseconds(configuration.totalTimeout))
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        // No redirect is followed, whatever the method: a request carries
        // the token, and a 3xx must not take it to another address. The 3xx
        // is the answer (the core reports it, naming its Location).
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_WRITEFUNCTION, writeFunction: CurlTransfer.writeBody)
        try set(CURLOPT_WRITEDATA, pointer: transfer.userdata)
        try set(CURLOPT_HEADERFUNCTION, writeFunction: CurlTransfer.collectHeader)
        try set(CURLOPT_HEADERDATA, pointer: transfer.userdata)
        try set(CURLOPT_NOPROGRESS, 0)
        try set(xferinfoFunction: CurlTransfer.checkCancelled)
        try set(CURLOPT_XFERINFODATA, pointer: transfer.userdata)
    }
}
