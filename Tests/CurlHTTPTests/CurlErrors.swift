import CurlHTTP
import Testing

/// The `CurlError` that `body` threw, or nil when it returned.
func curlError<Value>(_ body: () throws -> Value) -> CurlError? {
    do {
        _ = try body()
        return nil
    } catch let error as CurlError {
        return error
    } catch {
        Issue.record("not a CurlError: \(error)")
        return nil
    }
}

/// The `CurlError` that the async `body` threw, or nil when it returned.
func curlError<Value>(_ body: () async throws -> Value) async -> CurlError? {
    do {
        _ = try await body()
        return nil
    } catch let error as CurlError {
        return error
    } catch {
        Issue.record("not a CurlError: \(error)")
        return nil
    }
}

/// A blocking caller that never cancels.
let notCancelled: @Sendable () -> Bool = { false }
