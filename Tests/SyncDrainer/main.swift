// Drains the outbox of a store to an Allmine server, then exits 0.
//
//   sync-drainer STORE_PATH BASE_URL TOKEN
//
// The sync tests run it as a child process and kill it with SIGKILL at
// random instants; whatever it was doing, nothing may be lost or sent twice.
import AccountCore
import CurlTransport
import Allmine
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let line = Array("sync-drainer: \(message)\n".utf8)
    _ = write(2, line, line.count)
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 4 else { fail("usage: sync-drainer STORE_PATH BASE_URL TOKEN") }
do {
    let store = try AccountStore(path: arguments[1])
    let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: arguments[2]),
                                   store: store, transport: CurlTransport(), token: arguments[3])
    let engine = SyncEngine(client: client)
    // Another drainer may hold the lock: keep trying until the queue is
    // empty, for at most about 20 seconds.
    for _ in 0..<1_000 {
        if try await engine.sync().remaining == 0 { exit(0) }
        usleep(20_000)
    }
    fail("the queue did not empty")
} catch {
    fail("\(error)")
}
