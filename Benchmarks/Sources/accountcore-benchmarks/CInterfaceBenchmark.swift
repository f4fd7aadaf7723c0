import AccountCore
import CAccountCore

/// 4. The C interface: what `ac_call(core, "status", NULL, &out)` answered
/// from the cache, and `ac_call(core, "capabilities", NULL, &out)`, cost a C
/// caller, against a raw SQLite point read of one cached row (`PointRead`)
/// on the same store file.
struct CInterfaceBenchmark {
    /// Calls per round and side (the 20 000).
    var calls: Int
    /// Rounds (median taken).
    var rounds: Int
    let scratch: ScratchDirectory

    /// Makes the store: the demo user's profile and pending deletion,
    /// cached from an emulator, nothing queued.
    func prepare() async throws -> (path: String, account: AccountID) {
        let path = scratch.file("c-interface.sqlite")
        return (path, try await StatusStore.make(path: path, queued: 0))
    }

    /// Measures the store `prepare` made. Synchronous, and called on the
    /// main actor (see `CCore`).
    func run(path: String, account: AccountID) throws -> Section {
        let core = try CCore(storePath: path)
        try core.checkStatus(queued: 0)
        let read = try PointRead(path: path, account: account.rawValue, entry: "deletion")
        let perCall = Double(calls)
        // One untimed round of each first: page faults and lazy set-up
        // belong to no call.
        _ = try core.round("status", calls: calls)
        _ = try core.round("capabilities", calls: calls)
        _ = try read.round(calls)
        let samples = try Rounds.interleaved(rounds, [
            { try core.round("status", calls: calls) / perCall },
            { try core.round("capabilities", calls: calls) / perCall },
            { try read.round(calls) / perCall },
            { try bareRound() / perCall },
        ])
        let (status, capabilities, pointRead, bare) = (samples[0], samples[1], samples[2], samples[3])

        return Section(
            title: "4. C interface",
            reference: "a raw SQLite point read on the same store file: `SELECT value FROM cache WHERE account = ? "
                + "AND entry = ?`, prepared once on its own connection; per call the two keys are bound "
                + "(`SQLITE_STATIC`), the statement stepped, the cached deletion's JSON read as text with every byte "
                + "touched (summed), and the statement reset.",
            method: "\(rounds) rounds of \(Format.count(calls)) calls per side, each round starting with the next "
                + "side in turn, after one untimed round of each; the figure is the median time per call, the ratio "
                + "the median of the rounds' ratios. Ours: `ac_call(core, op, NULL, &out)` then "
                + "`ac_string_free(out)`, on a core opened with `ac_open` on \(CCore.unreachable), signed in as the "
                + "emulator's demo user without a token and set offline with `ac_set_online(core, 0)`, so every "
                + "answer comes from the store: a profile and a pending deletion cached from an emulator by a "
                + "`SyncEngine`, nothing queued. Every call's status and first byte (and every read's bytes) are "
                + "folded into a checked sum, so no call can be optimized away. The calls are made on the main "
                + "actor, not on a thread of Swift's cooperative pool.",
            rows: [
                .rounds("`ac_call(\"status\")` from the cache, per call", ours: status, reference: pointRead,
                        goal: .atMost(3, "the read")),
                .rounds("`ac_call(\"capabilities\")`, per call", ours: capabilities, reference: pointRead,
                        goal: .atMost(1, "the read")),
            ],
            notes: [
                "For scale, the crossing alone: `ac_abi_version()`, an exported function that does no work, "
                    + "takes \(Format.duration(Samples.median(bare))) per call (same rounds).",
            ])
    }

    /// `calls` calls of `ac_abi_version()`; seconds.
    private func bareRound() throws -> Double {
        var sink = Sink()
        let seconds = Stopwatch.time {
            for _ in 0..<calls { sink.consume(UInt64(ac_abi_version())) }
        }.seconds
        guard sink.total == UInt64(calls) * UInt64(AC_ABI_VERSION) else {
            throw BenchmarkError("C interface: ac_abi_version answered \(sink.total / UInt64(max(1, calls)))")
        }
        return seconds
    }
}
