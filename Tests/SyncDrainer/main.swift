// Drains the outbox of a store to an Allmine server, then exits 0.
//
//   sync-drainer STORE_PATH BASE_URL TOKEN
//
// The sync tests run it as a child process and kill it with SIGKILL at
// random instants; whatever it was doing, nothing may be lost or sent twice.
// SYNC_DRAINER_CRASH_ON_INPUT makes it crash when a byte arrives on
// standard input (see below): a real crash, mid-request. (A SIGABRT sent by
// another process is not a crash to Swift's backtracer; and a signal sent
// to it may find every thread blocking it, the concurrency pool's do.)
import AccountCore
import CurlTransport
import Allmine
import POSIXThread
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let line = Array("sync-drainer: \(message)\n".utf8)
    _ = write(2, line, line.count)
    exit(1)
}

// With SYNC_DRAINER_CRASH_ON_INPUT set, a byte on standard input makes it
// crash (a trap, on a thread of its own): the crash-report test's way to
// crash it mid-request, from inside, as a real crash would.
if getenv("SYNC_DRAINER_CRASH_ON_INPUT") != nil {
    let started = DetachedThread.detach {
        var byte: UInt8 = 0
        if read(0, &byte, 1) == 1 { fatalError("crashed on purpose") }
    }
    if !started { fail("no thread for SYNC_DRAINER_CRASH_ON_INPUT") }
}

let arguments = CommandLine.arguments
guard arguments.count == 4 else { fail("usage: sync-drainer STORE_PATH BASE_URL TOKEN") }
do {
    let store = try AccountStore(path: arguments[1])
    let client = try AccountClient(backend: AllmineBackend(), configuration: ClientConfiguration(baseURL: arguments[2]),
                                   transport: CurlTransport())
    let engine = try SyncEngine(store: store, client: client, token: arguments[3])
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
