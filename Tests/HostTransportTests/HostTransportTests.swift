import AccountCore
import HostTransport
import POSIXThread
import Testing

/// An app's side as the tests drive it: it records every callback, answers
/// as told, and reports each request it was handed on `sent`, so a test
/// waits for the request itself rather than for time to pass.
final class RecordingEndpoint: HostEndpoint {
    enum Behaviour: Sendable {
        /// Answers inside `send`.
        case answerAtOnce(Result<TransportResponse, TransportFailure>)
        /// Answers from a thread of its own.
        case answerFromThread(Result<TransportResponse, TransportFailure>)
        /// Never answers by itself.
        case silent
        /// Cancels the calling task inside `send`, as a give-up that comes
        /// while `send` still runs.
        case cancelCallerInsideSend
    }

    struct Calls {
        var sends = 0
        var cancels = 0
        /// Whether a cancel came while a `send` was still running.
        var cancelDuringSend = false
        var inSend = false
    }

    let behaviour: Behaviour
    let calls = LockedValue(Calls())
    let sent: AsyncStream<HostExchange<String>>
    private let sentContinuation: AsyncStream<HostExchange<String>>.Continuation

    init(_ behaviour: Behaviour) {
        self.behaviour = behaviour
        (sent, sentContinuation) = AsyncStream.makeStream()
    }

    func payload(for request: TransportRequest, timeoutMilliseconds: Int) -> String {
        "\(request.method) \(request.url) \(timeoutMilliseconds)"
    }

    func send(_ exchange: HostExchange<String>) {
        calls.withLock {
            $0.sends += 1
            $0.inSend = true
        }
        switch behaviour {
        case .answerAtOnce(let outcome):
            exchange.answer(outcome)
        case .answerFromThread(let outcome):
            _ = DetachedThread.detach { exchange.answer(outcome) }
        case .silent:
            break
        case .cancelCallerInsideSend:
            withUnsafeCurrentTask { $0?.cancel() }
        }
        calls.withLock { $0.inSend = false }
        sentContinuation.yield(exchange)
    }

    func cancel(_ exchange: HostExchange<String>) {
        calls.withLock {
            $0.cancels += 1
            if $0.inSend { $0.cancelDuringSend = true }
        }
    }
}

@Suite("HostTransport: the app's HTTP stack, its timeout and cancel")
struct HostTransportTests {
    static let request = TransportRequest(method: "GET", url: "https://api.example/users/me")
    static let ok = TransportResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))

    /// The failure `body` threw, or nil when it returned.
    static func failure(_ body: () async throws(TransportFailure) -> TransportResponse) async -> TransportFailure? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test("an answer given inside send, or later from another thread, is the response", arguments: [false, true])
    func answered(fromThread: Bool) async throws {
        let endpoint = RecordingEndpoint(fromThread ? .answerFromThread(.success(Self.ok)) : .answerAtOnce(.success(Self.ok)))
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let response = try await transport.send(Self.request)
        #expect(response.status == 200)
        #expect(response.body == Array("{}".utf8))
        #expect(endpoint.calls.withLock { ($0.sends, $0.cancels) } == (1, 0))
    }

    @Test("the app's failure is the transport's, kind and detail")
    func failed() async {
        let endpoint = RecordingEndpoint(.answerAtOnce(.failure(TransportFailure(.tls, detail: "tls: pin mismatch"))))
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let failure = await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) }
        #expect(failure == TransportFailure(.tls, detail: "tls: pin mismatch"))
    }

    @Test("no answer within the timeout: .timeout, the app is told once, and its late answer is ignored")
    func timeout() async throws {
        let endpoint = RecordingEndpoint(.silent)
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 50)
        let failure = await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) }
        #expect(failure?.kind == .timeout)
        #expect(endpoint.calls.withLock { ($0.sends, $0.cancels) } == (1, 1))
        var iterator = endpoint.sent.makeAsyncIterator()
        let exchange = try #require(await iterator.next())
        #expect(exchange.payload == "GET https://api.example/users/me 50")
        #expect(!exchange.answer(.success(Self.ok)), "an answer after the give-up is ignored")
        #expect(!exchange.answer(.success(Self.ok)), "and so is a second one")
    }

    @Test("a cancelled call: .cancelled, and the app is told")
    func cancelledCall() async throws {
        let endpoint = RecordingEndpoint(.silent)
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let call = Task { await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) } }
        var iterator = endpoint.sent.makeAsyncIterator()
        let exchange = try #require(await iterator.next())
        call.cancel()
        #expect(await call.value?.kind == .cancelled)
        #expect(endpoint.calls.withLock { $0.cancels } == 1)
        #expect(!exchange.answer(.failure(TransportFailure(.cancelled, detail: "cancelled: as asked"))))
    }

    @Test("a give-up while send still runs reaches the app only once send returned")
    func cancelWhileSending() async {
        let endpoint = RecordingEndpoint(.cancelCallerInsideSend)
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let failure = await Task { await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) } }.value
        #expect(failure?.kind == .cancelled)
        let calls = endpoint.calls.withLock { $0 }
        #expect(calls.sends == 1 && calls.cancels == 1)
        #expect(!calls.cancelDuringSend)
    }

    @Test("an answer is taken once: the first settles, a second is ignored")
    func answeredTwice() async throws {
        let endpoint = RecordingEndpoint(.silent)
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let call = Task { try await transport.send(Self.request) }
        var iterator = endpoint.sent.makeAsyncIterator()
        let exchange = try #require(await iterator.next())
        #expect(exchange.answer(.success(Self.ok)))
        #expect(!exchange.answer(.failure(TransportFailure(.other, detail: "other: late"))))
        #expect(try await call.value.status == 200)
    }

    @Test("close cancels what is under way, tells the app, and refuses what comes after without calling it")
    func close() async throws {
        let endpoint = RecordingEndpoint(.silent)
        let transport = HostTransport(endpoint: endpoint, timeoutMilliseconds: 30_000)
        let call = Task { await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) } }
        var iterator = endpoint.sent.makeAsyncIterator()
        let exchange = try #require(await iterator.next())
        // On a thread of its own: close waits for the call to settle, which
        // needs the cooperative pool this test's thread belongs to (two
        // threads on a 2-CPU machine; a run was seen to stall with the other
        // one blocked too).
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let started = DetachedThread.detach {
                transport.close()
                done.resume()
            }
            if !started { transport.close(); done.resume() }
        }
        // close returned: the call was settled and the app told before.
        #expect(endpoint.calls.withLock { ($0.sends, $0.cancels) } == (1, 1))
        #expect(await call.value == TransportFailure(.cancelled, detail: "cancelled: the core was closed"))
        let after = await Self.failure { () throws(TransportFailure) in try await transport.send(Self.request) }
        #expect(after?.kind == .cancelled)
        #expect(endpoint.calls.withLock { $0.sends } == 1, "nothing is handed to the app after close")
        #expect(!exchange.answer(.success(Self.ok)))
    }
}
