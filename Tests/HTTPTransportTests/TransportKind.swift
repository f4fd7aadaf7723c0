import AccountCore
import CurlTransport
import Testing
import TestSupport
import URLSessionTransport

/// The transports under test: every test of this target runs on each, over
/// loopback to the same kind of server, with the same assertions; where
/// URLSession cannot do what curl does, the test says what each does.
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl, urlSession

    /// The kinds this run tests: all, unless `ACCOUNTCORE_TRANSPORTS` says.
    static let underTest = transportsUnderTest(allCases)

    /// A new transport of this kind with `totalTimeout` seconds.
    func make(totalTimeout: Double = 30) -> any HTTPTransport {
        switch self {
        case .curl: CurlTransport(totalTimeout: totalTimeout)
        case .urlSession: URLSessionTransport(totalTimeout: totalTimeout)
        }
    }

    var testDescription: String { rawValue }
}

extension HTTPTransport {
    /// The failure `request` ends with, or nil when a response came.
    func failure(of request: TransportRequest) async -> TransportFailure? {
        do {
            _ = try await send(request)
            return nil
        } catch {
            return error
        }
    }
}

extension TransportResponse {
    /// The value of the first field named `name`, ignoring ASCII case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
