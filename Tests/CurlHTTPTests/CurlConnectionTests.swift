import AccountEmulator
@testable import CurlHTTP
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("CurlSession connections")
struct CurlConnectionTests {
    @Test("50 sequential requests on one session use one connection")
    func keepAlive() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        for index in 0..<50 {
            let method = ["GET", "POST", "PATCH", "DELETE"][index % 4]
            let body: [UInt8]? = method == "GET" ? nil : Array("#\(index)".utf8)
            let response = try session.perform(CurlRequest(method: method, url: test.base + "/n/\(index)", body: body),
                                               isCancelled: notCancelled)
            #expect(response.status == 200)
        }
        let requests = test.log.all
        #expect(requests.count == 50)
        #expect(Set(requests.map(\.connectionID)).count == 1)
        #expect(session.poolIdleCount == 1)
    }

    @Test("8 concurrent async requests all succeed")
    func concurrent() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let session = CurlSession()
        let results = await withTaskGroup(of: (Int, Result<CurlResponse, any Error>).self) { group in
            for index in 0..<8 {
                group.addTask {
                    let request = CurlRequest(method: "POST", url: test.base + "/slow?ms=100", body: Array("\(index)".utf8))
                    do {
                        let response = try await session.perform(request)
                        return (index, .success(response))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<CurlResponse, any Error>)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 8)
        for (_, result) in results {
            let response = try result.get()
            #expect(response.status == 200)
            #expect(response.body == Array("slow done".utf8))
        }
        #expect(test.log.all.count == 8)
        #expect(session.poolIdleCount <= CurlHandlePool.maxIdleHandles)
    }

    @Test("releasing the session closes its connections")
    func deinitClosesConnections() throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        try Self.performOnce(url: test.base + "/once")
        // The server notices the close on its connection's thread; the bound
        // only guards a hang (a loaded machine was seen to take over 2 s).
        #expect(test.server.waitUntilNoOpenConnections(seconds: 120))
        #expect(test.log.all.count == 1)
    }

    @Test("curl_global_init ran exactly once, however many sessions ran")
    func globalInitOnce() async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { _ = try? await CurlSession().perform(CurlRequest(method: "GET", url: test.base + "/")) }
            }
        }
        #expect(CurlGlobal.initializationCount.load(ordering: .relaxed) == 1)
    }

    /// Performs one GET on a session that is released on return.
    private static func performOnce(url: String) throws {
        let session = CurlSession()
        let response = try session.perform(CurlRequest(method: "GET", url: url), isCancelled: notCancelled)
        #expect(response.status == 200)
    }
}

extension CurlSession {
    /// The idle handles of the session's pool, for tests.
    var poolIdleCount: Int { pool.idleCount }
}
