/// The transports a transport-parameterized test runs on: every case of
/// `all`, or those named in `ACCOUNTCORE_TRANSPORTS` (comma-separated raw
/// values; names of another list's cases are passed over). `.ci/run` runs
/// URLSession's under AddressSanitizer in a step of its own this way
/// (`Tests/lsan-foundationnetworking.supp` says why). Traps when the
/// variable names none of `all`, rather than run no case at all.
package func transportsUnderTest<Kind: RawRepresentable>(_ all: [Kind]) -> [Kind] where Kind.RawValue == String {
    guard let names = environment("ACCOUNTCORE_TRANSPORTS") else { return all }
    let listed = Set(names.split(separator: ",").map { String($0) })
    let chosen = all.filter { listed.contains($0.rawValue) }
    precondition(!chosen.isEmpty, "ACCOUNTCORE_TRANSPORTS=\(names) names none of \(all.map(\.rawValue))")
    return chosen
}
