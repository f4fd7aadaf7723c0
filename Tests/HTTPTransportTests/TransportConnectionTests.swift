import AccountCore
import AccountEmulator
import Testing
import TestSupport

@Suite("Transports: connections, cookies, cache")
struct TransportConnectionTests {
    @Test("50 sequential requests on one transport use one connection", arguments: TransportKind.underTest)
    func keepAlive(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        for index in 0..<50 {
            let method = ["GET", "POST", "PATCH", "DELETE"][index % 4]
            let body: [UInt8]? = method == "GET" ? nil : Array("#\(index)".utf8)
            let headers: [(name: String, value: String)] = body == nil ? [] : [(name: "Content-Type", value: "text/plain")]
            let response = try await transport.send(TransportRequest(method: method, url: test.base + "/n/\(index)",
                                                                     headers: headers, body: body))
            #expect(response.status == 200)
        }
        let requests = test.log.all
        #expect(requests.count == 50)
        #expect(Set(requests.map(\.connectionID)).count == 1)
    }

    @Test("8 concurrent requests all succeed", arguments: TransportKind.underTest)
    func concurrent(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        let responses = await withTaskGroup(of: Result<TransportResponse, TransportFailure>.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let request = TransportRequest(method: "POST", url: test.base + "/slow?ms=100",
                                                   headers: [(name: "Content-Type", value: "text/plain")], body: Array("\(index)".utf8))
                    do throws(TransportFailure) {
                        return .success(try await transport.send(request))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var responses: [Result<TransportResponse, TransportFailure>] = []
            for await response in group { responses.append(response) }
            return responses
        }
        #expect(responses.count == 8)
        for response in responses {
            let response = try response.get()
            #expect(response.status == 200)
            #expect(response.body == Array("slow done".utf8))
        }
        #expect(test.log.all.count == 8)
    }

    @Test("a cookie the server sets is never sent back", arguments: TransportKind.underTest)
    func noCookies(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        let set = try await transport.send(TransportRequest(method: "GET", url: test.base + "/cookie"))
        #expect(set.header("Set-Cookie") == "session=s3cr3t; Path=/")
        _ = try await transport.send(TransportRequest(method: "GET", url: test.base + "/after"))
        let requests = test.log.all
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { !$0.headers.contains("Cookie") })
    }

    @Test("a cacheable answer is asked for again, without a conditional header", arguments: TransportKind.underTest)
    func noCache(_ kind: TransportKind) async throws {
        let test = try TestHTTPServer()
        defer { test.stop() }
        let transport = kind.make()
        for _ in 0..<2 {
            let response = try await transport.send(TransportRequest(method: "GET", url: test.base + "/cached"))
            #expect(response.status == 200)
            #expect(response.body == Array("cached".utf8))
        }
        let requests = test.log.all
        #expect(requests.map(\.path) == ["/cached", "/cached"])
        #expect(requests.allSatisfy { !$0.headers.contains("If-None-Match") && !$0.headers.contains("If-Modified-Since") })
    }
}
