import POSIXThread

/// When a drain starts. A submission drains at once, in its caller's task
/// (it answers what became of its operation). Coming online, a sign-in and
/// a new token ask for a drain: the long-lived task of `startAutomaticSync`
/// runs it when there is one, else a task of its own. The long-lived task
/// otherwise sleeps, waiting on its `Wakeup`: until the head of the queue
/// falls due on the injected clock (one wake at that instant), or until a
/// drain that left something queued wakes it to look at the new head. With
/// nothing queued, or offline, or paused, it waits for a signal alone: an
/// idle core does nothing.
extension Drainer {
    /// The host says the network came or went; coming back forgets the
    /// backoff and starts a drain.
    func setOnline(_ online: Bool) {
        let cameBack = state.withLock { state in
            defer { state.online = online }
            return online && !state.online
        }
        if cameBack {
            if let account { outbox.resetBackoff(of: account) }
            syncInBackground()
        } else if !online {
            broadcaster.emit(.syncPaused(.offline))
        }
    }

    /// A sign-in or a new token came: a queue paused for authentication resumes.
    func resume() {
        state.withLock { $0.pausedForAuthentication = false }
        syncInBackground()
    }

    /// Asks for a drain now: the long-lived task's when it runs, else a
    /// task of its own (which `settled` waits for).
    func syncInBackground() {
        let id = UniqueID()
        // Made under the lock its end takes too, so it is in `background`
        // before it can remove itself.
        let loop = state.withLock { state -> Wakeup? in
            if let loop = state.loop { return loop.wakeup }
            state.background[id] = Task { [weak self] in
                _ = try? await self?.drain(explicit: true, immediate: nil)
                _ = self?.state.withLock { $0.background.removeValue(forKey: id) }
            }
            return nil
        }
        loop?.signal(request: true)
    }

    /// Something is left in the queue: the long-lived task looks at its head.
    func wakeLoop() {
        state.withLock { $0.loop?.wakeup }?.signal()
    }

    /// Returns once the drains started in the background have ended,
    /// without cancelling them.
    func settled() async {
        while let task = state.withLock({ $0.background.values.first }) { await task.value }
    }

    /// Starts the long-lived task (replacing one that runs). `interval`: how
    /// long it waits before trying again when another process held the
    /// queue or the store failed, the queue not empty.
    func startLoop(retryingAfter interval: Double) {
        let wakeup = Wakeup()
        let clock = sender.client.clock
        let task = Task { [weak self] in
            var requested = false
            while !Task.isCancelled {
                let next: Instant?
                do {
                    // The drainer is held only while it works, never while waiting.
                    guard let drainer = self else { return }
                    next = await drainer.turn(requested: requested, retryingAfter: interval)
                    drainer.turnTaken(waitingUntil: next)
                }
                requested = await wakeup.wait(until: next, on: clock)
            }
        }
        let replaced = state.withLock { state in
            defer { state.loop = (task, wakeup) }
            return state.loop?.task
        }
        replaced?.cancel()
    }

    /// Stops the long-lived task; returns it, to wait for.
    @discardableResult
    func stopLoop() -> Task<Void, Never>? {
        let task = state.withLock { state in
            defer { state.loop = nil }
            return state.loop?.task
        }
        task?.cancel()
        return task
    }

    /// How many turns the long-lived task took (each a look at the queue,
    /// and a drain when something was due or asked for).
    package var loopTurns: Int { state.withLock { $0.turns } }

    /// When the long-lived task wakes next on its own, after its last turn;
    /// nil when it waits for a signal alone.
    package var nextLoopWake: Instant? { state.withLock { $0.nextWake } }

    /// Returns once the long-lived task has taken `count` turns.
    package func loopTurns(reaching count: Int) async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard state.turns < count else { return true }
                state.turnWatchers.append((count, waiter))
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// One turn of the long-lived task: a drain when one was asked for or
    /// the head of the queue is due; answers when to look again (nil: only
    /// when woken).
    private func turn(requested: Bool, retryingAfter interval: Double) async -> Instant? {
        if !requested {
            guard let due = headDue(retryingAfter: interval) else { return nil }
            if due > deviceNow { return due }
        }
        do {
            let report = try await drainOnce(explicit: requested, immediate: nil).report
            switch report.holdup {
            case .retry(let at, _)?: return at
            case .paused?: return nil
            case .anotherDrain?: return deviceNow.adding(seconds: interval)
            // Queued while it ran, or nothing left.
            case nil: return report.remaining > 0 ? headDue(retryingAfter: interval) : nil
            }
        } catch {
            return Task.isCancelled ? nil : deviceNow.adding(seconds: interval)
        }
    }

    /// A turn ended; the task now waits until `next` (nil: for a signal alone).
    private func turnTaken(waitingUntil next: Instant?) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.nextWake = next
            state.turns += 1
            let turns = state.turns
            let ready = state.turnWatchers.filter { $0.count <= turns }.map(\.waiter)
            state.turnWatchers.removeAll { $0.count <= turns }
            return ready
        }
        ready.forEach { $0.resume() }
    }

    /// When the signed-in person's first queued operation may go by the
    /// timer's rule (after its backoff); nil when nothing would be sent:
    /// offline, paused for a token, the token someone else's, nobody signed
    /// in, or nothing queued.
    private func headDue(retryingAfter interval: Double) -> Instant? {
        let (online, paused) = state.withLock { ($0.online, $0.pausedForAuthentication) }
        guard online, !paused, !sender.hasAccountMismatch, let account else { return nil }
        do {
            let head = try store.read { database in try database.nextQueued(for: account, in: store.environment) }
            return head.map { $0.dueAt(explicit: false) ?? deviceNow }
        } catch {
            return deviceNow.adding(seconds: interval)
        }
    }
}
