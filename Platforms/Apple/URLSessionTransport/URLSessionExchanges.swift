import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import POSIXThread

/// The delegate of a transport's session: it hands each task's callbacks
/// to the exchange of that task.
///
/// It answers no authentication challenge, so the system's default
/// handling verifies every certificate: there is deliberately no way to
/// trust a server that fails it.
final class URLSessionExchanges: NSObject, URLSessionDataDelegate, Sendable {
    /// The exchanges whose task has not ended, by the task's identifier:
    /// a task may outlive its caller's answer (a cancel deferred past a
    /// refused redirect), and its callbacks still go to its exchange.
    private let exchanges = LockedValue<[Int: URLSessionExchange]>([:])

    /// Hands the callbacks of `exchange`'s task to it, until the task ends.
    func register(_ exchange: URLSessionExchange) {
        exchanges.withLock { $0[exchange.task.taskIdentifier] = exchange }
    }

    /// Forgets `exchange`, whose task never started.
    func remove(_ exchange: URLSessionExchange) {
        exchanges.withLock { $0[exchange.task.taskIdentifier] = nil }
    }

    /// The exchange of `task`, while it is on its way.
    private func exchange(of task: URLSessionTask) -> URLSessionExchange? {
        exchanges.withLock { $0[task.taskIdentifier] }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if let response = response as? HTTPURLResponse {
            exchange(of: dataTask)?.received(response)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(of: dataTask)?.received(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        switch exchange(of: task)?.redirect(response) {
        case .refuse, nil: completionHandler(nil)
        case .abandon: break
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = exchanges.withLock { $0.removeValue(forKey: task.taskIdentifier) }
        exchange?.completed(with: error)
    }
}
