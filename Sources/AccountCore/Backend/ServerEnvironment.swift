/// Whether a server holds people's real data (production) or copies and
/// test accounts (development). Every configuration names one, and nothing
/// made in one is ever sent to, or shown for, the other: development
/// servers often hold copies of production users with the same ids.
public enum ServerEnvironment: String, Hashable, Sendable, CaseIterable {
    /// Real people's data: what is sent there cannot be taken back.
    case production
    /// A test server, an emulator, this device.
    case development

    /// The environment of a configuration that names none: development for
    /// a base URL on this device's loopback (127.0.0.0/8, `[::1]`,
    /// `localhost`, the rule `allowInsecureHTTP` uses), production for any
    /// other, the safe default.
    public static func unnamed(baseURL: String) -> ServerEnvironment {
        URLAuthority(url: baseURL)?.isLoopback == true ? .development : .production
    }
}
