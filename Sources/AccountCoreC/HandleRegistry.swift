import POSIXThread

/// The objects behind the handles the app holds (`ac_core *`,
/// `ac_http_request *`), looked up by the library on every use: the app
/// never hands back a pointer the library dereferences, as SQLite checks a
/// handle before trusting it (API armor, `SQLITE_MISUSE`).
///
/// A handle is a number, not an address: a slot index, a tag saying which
/// registry issued it, and a generation, unique for each handle issued. A
/// slot is emptied when its object is taken, and its next handle has another
/// generation, so a handle used again, one of another registry, one never
/// issued (garbage, NULL) finds nothing, and the caller answers
/// `AC_ERR_ARGUMENT` without touching anything. Lookups are under one lock,
/// so a use racing the taking finds the object or nothing, never half of it.
///
/// On 64-bit platforms a generation is 32 bits: a stale handle matches again
/// only if its slot is reissued exactly 2³² handles later. On 32-bit ones
/// (armv7), 18 bits, and at most 1 023 objects at once.
final class HandleRegistry<Value: AnyObject & Sendable>: Sendable {
    private struct Slot {
        /// The generation of the handle that holds the slot, 0 when empty.
        var generation: UInt = 0
        var value: Value?
        /// Whose the object is, for `removeAll(owner:)`.
        var owner: ObjectIdentifier?
    }

    private struct State {
        var slots: [Slot] = []
        var free: [Int] = []
        /// The generation of the next handle, from 1, never 0.
        var nextGeneration: UInt = 1
    }

    private static var indexBits: Int { UInt.bitWidth == 64 ? 24 : 10 }
    private static var tagBits: Int { UInt.bitWidth == 64 ? 8 : 4 }
    private static var generationBits: Int { UInt.bitWidth - indexBits - tagBits }
    /// The most objects at once: index 0 stays unused, so no handle is small.
    private static var capacity: Int { (1 << indexBits) - 1 }

    private let tag: UInt
    private let state = LockedValue(State())

    /// A registry whose handles carry `tag` (its low 4 bits on 32-bit
    /// platforms): each registry has its own, so a request's handle given as
    /// a core's finds nothing.
    init(tag: UInt) {
        self.tag = tag & ((1 << Self.tagBits) - 1)
    }

    /// A new handle for `value`, owned by `owner`; nil when the registry is full.
    func issue(_ value: Value, owner: ObjectIdentifier? = nil) -> UInt? {
        state.withLock { state -> UInt? in
            let index: Int
            if let reused = state.free.popLast() {
                index = reused
            } else {
                guard state.slots.count < Self.capacity else { return nil }
                state.slots.append(Slot())
                index = state.slots.count - 1
            }
            let generation = state.nextGeneration
            state.nextGeneration = generation == (1 << Self.generationBits) - 1 ? 1 : generation + 1
            state.slots[index] = Slot(generation: generation, value: value, owner: owner)
            return generation << (Self.indexBits + Self.tagBits) | tag << Self.indexBits | UInt(index + 1)
        }
    }

    /// The slot `handle` names, if it is a handle of this registry whose
    /// object is still there.
    private static func slot(of handle: UInt, tag: UInt, in state: State) -> Int? {
        let index = Int(handle & ((1 << indexBits) - 1)) - 1
        let handleTag = handle >> indexBits & ((1 << tagBits) - 1)
        let generation = handle >> (indexBits + tagBits)
        guard handleTag == tag, index >= 0, index < state.slots.count, generation != 0,
              state.slots[index].generation == generation, state.slots[index].value != nil else { return nil }
        return index
    }

    /// Runs `body` with the object of `handle`, under the registry's lock (so
    /// `take` waits for it), or returns nil when `handle` names none. `body`
    /// must be short and must not use the registry.
    func withValue<Result: Sendable>(_ handle: UInt, _ body: (Value) -> Result) -> Result? {
        state.withLock { state -> Result? in
            guard let index = Self.slot(of: handle, tag: tag, in: state), let value = state.slots[index].value else {
                return nil
            }
            return body(value)
        }
    }

    /// Takes the object of `handle` out: the handle names nothing from now
    /// on. Nil when it named nothing (taken already, never issued).
    func take(_ handle: UInt) -> Value? {
        state.withLock { state -> Value? in
            guard let index = Self.slot(of: handle, tag: tag, in: state) else { return nil }
            let value = state.slots[index].value
            state.slots[index] = Slot()
            state.free.append(index)
            return value
        }
    }

    /// Takes out every object of `owner`; the caller lets go of them after
    /// the lock is released.
    func removeAll(owner: ObjectIdentifier) -> [Value] {
        state.withLock { state -> [Value] in
            var removed: [Value] = []
            for index in state.slots.indices where state.slots[index].owner == owner {
                if let value = state.slots[index].value { removed.append(value) }
                state.slots[index] = Slot()
                state.free.append(index)
            }
            return removed
        }
    }
}
