import AccountCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The failures of `URLSessionTransport`; each detail is URLSession's or
/// ours, never a header value or a body.
extension TransportFailure {
    /// The failure of an exchange whose task was cancelled.
    static let cancelledByCaller = TransportFailure(.cancelled, detail: "the task was cancelled")

    /// The failure of an exchange that took longer than `seconds`.
    static func timedOut(after seconds: Double) -> TransportFailure {
        TransportFailure(.timeout, detail: "timed out: no answer within \(seconds) s")
    }

    /// A body over `maxResponseBytes`.
    static func tooLarge(_ maxResponseBytes: Int) -> TransportFailure {
        TransportFailure(.responseTooLarge, detail: "the response body is larger than \(maxResponseBytes) bytes")
    }

    /// A request refused before anything was sent.
    static func invalid(_ detail: String) -> TransportFailure { TransportFailure(.invalidRequest, detail: detail) }

    /// The failure for an error a task of URLSession ended with; the detail
    /// is URLSession's code and text, which never hold a header or a body.
    init(urlSessionError error: any Error) {
        guard let error = error as? URLError else {
            self.init(.other, detail: String(describing: type(of: error)))
            return
        }
        self.init(Self.kind(of: error.code), detail: "URLError \(error.code.rawValue): \(error.localizedDescription)")
    }

    /// The kind a URLError code stands for.
    ///
    /// On Linux, FoundationNetworking reports what it cannot name, a failed
    /// TLS handshake or certificate among them, as `.unknown`, so `.other`.
    static func kind(of code: URLError.Code) -> Kind {
        switch code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .internationalRoamingOff, .callIsActive, .dataNotAllowed:
            return .noConnection
        case .timedOut:
            return .timeout
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
             .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
             .clientCertificateRequired, .appTransportSecurityRequiresSecureConnection:
            return .tls
        case .cancelled, .userCancelledAuthentication:
            return .cancelled
        case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse:
            return .interrupted
        case .dataLengthExceedsMaximum:
            return .responseTooLarge
        case .badURL, .unsupportedURL:
            return .invalidRequest
        default:
            return .other
        }
    }
}
