import CCurl

/// The CURLOPT_HTTPHEADER list of a request.
enum CurlHeaderList {
    /// The request's fields as a `curl_slist`, which the caller frees with
    /// `curl_slist_free_all` once the transfer is over.
    ///
    /// "Name:" without a value tells curl to send no such field, and "Name;"
    /// sends one with an empty value. So it starts with "Expect:", so that
    /// curl never waits for a 100 Continue before a body, and, for a body
    /// without a `Content-Type` of the caller's, "Content-Type:", so that
    /// curl does not label it a form.
    static func make(for request: CurlRequest) throws(CurlError) -> UnsafeMutablePointer<curl_slist> {
        var lines = ["Expect:"]
        if request.body != nil, !request.headers.contains(where: { CurlASCII.caseInsensitiveEquals($0.name, "Content-Type") }) {
            lines.append("Content-Type:")
        }
        for header in request.headers {
            lines.append(header.value.isEmpty ? header.name + ";" : header.name + ": " + header.value)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            // On failure curl returns NULL and leaves the list as it was.
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlError(curlCode: CURLE_OUT_OF_MEMORY, detail: "curl_slist_append failed")
            }
            list = longer
        }
        guard let list else {
            throw CurlError(curlCode: CURLE_OUT_OF_MEMORY, detail: "empty header list")
        }
        return list
    }
}
