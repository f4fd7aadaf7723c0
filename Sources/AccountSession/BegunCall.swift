/// A call parsed once (`Call(name:arguments:)`) and begun: answered on
/// the calling thread when it needs no network, else what is left for the
/// network, to run once (the C interface blocks only for that).
package enum BegunCall: Sendable {
    /// The answer, made here: the call needed no network, or failed.
    case answered(status: CallStatus, json: [UInt8])
    /// What is left, the network's part: nothing was done yet.
    case network(@Sendable () async -> (status: CallStatus, json: [UInt8]))

    /// The answer when it was made at once; nil when the network is left.
    package var answer: (status: CallStatus, json: [UInt8])? {
        if case .answered(let status, let json) = self { (status, json) } else { nil }
    }
}
