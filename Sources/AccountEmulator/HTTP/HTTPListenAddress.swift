import Libc

/// The IP address a server listens on, parsed from its configured host.
enum HTTPListenAddress {
    case ipv4(in_addr)
    case ipv6(in6_addr)

    /// The address `host` names: an IPv4 or IPv6 literal (brackets allowed
    /// around IPv6), or "localhost" for 127.0.0.1. Names are not resolved:
    /// what a name resolves to would decide whether the port is exposed.
    init?(host: String) {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.lowercased() == "localhost" { text = "127.0.0.1" }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .ipv4(v4)
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .ipv6(v6)
        } else {
            return nil
        }
    }

    /// Whether only this machine can reach the address: 127.0.0.0/8, ::1,
    /// or an IPv4-mapped 127.0.0.0/8.
    var isLoopback: Bool {
        switch self {
        case .ipv4(let address):
            return UInt32(bigEndian: address.s_addr) >> 24 == 127
        case .ipv6(let address):
            let bytes = withUnsafeBytes(of: address) { Array($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            return bytes == loopback || (bytes.prefix(12).elementsEqual(mappedPrefix) && bytes[12] == 127)
        }
    }

    /// The address family (`AF_INET` or `AF_INET6`).
    var family: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    /// Calls `body` with this address and `port` as a `sockaddr` and its length.
    func withSocketAddress<Result>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch self {
        case .ipv4(let address):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            socketAddress.sin_addr = address
            return Self.withGenericAddress(socketAddress, body)
        case .ipv6(let address):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            socketAddress.sin6_addr = address
            return Self.withGenericAddress(socketAddress, body)
        }
    }

    /// `socketAddress` (a `sockaddr_in` or `sockaddr_in6`) seen as the
    /// generic `sockaddr` the socket calls take, with its length.
    private static func withGenericAddress<Address, Result>(
        _ socketAddress: Address, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        withUnsafePointer(to: socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }
}
