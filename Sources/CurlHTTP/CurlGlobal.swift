import CCurl
import Synchronization

/// The process-wide `curl_global_init`, done once before the first handle.
enum CurlGlobal {
    /// How many times `curl_global_init` was called: the tests check it is 1.
    static let initializationCount = Atomic<Int>(0)

    /// The result of the one `curl_global_init`; a `static let` is
    /// initialized once, thread-safely, on first use.
    private static let initialization: CURLcode = {
        initializationCount.add(1, ordering: .relaxed)
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Initializes libcurl unless done already; throws when that failed.
    static func initialize() throws(CurlError) {
        let code = initialization
        guard code == CURLE_OK else { throw CurlError(curlCode: code, detail: "curl_global_init failed") }
    }
}
