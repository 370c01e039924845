/// An IPv4 address: four octets in network order.
public struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    /// The four octets, most significant first.
    public let octets: [UInt8]

    /// Creates an address from exactly four octets.
    public init(_ octets: [UInt8]) throws(ProtocolError) {
        guard octets.count == 4 else { throw .invalid(.ipv4Address, "must be 4 octets") }
        self.octets = octets
    }

    /// Creates an address from its four octets.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) { octets = [a, b, c, d] }

    /// Dotted-quad form.
    public var description: String { octets.map(String.init).joined(separator: ".") }
}

/// An IPv4 address with its prefix length, as in JoinStatus "connected" (SPEC §8.5).
public struct IPv4Interface: Hashable, Sendable, CustomStringConvertible {
    /// The address.
    public var address: IPv4Address
    /// The prefix length, 0-32.
    public var prefixLength: UInt8

    /// Creates an interface address; the prefix must be at most 32.
    public init(address: IPv4Address, prefixLength: UInt8) throws(ProtocolError) {
        guard prefixLength <= 32 else { throw .invalid(.ipv4Address, "the prefix length must be at most 32") }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// "a.b.c.d/p".
    public var description: String { "\(address)/\(prefixLength)" }

    var encoded: [UInt8] { address.octets + [prefixLength] }

    static func decode(_ value: [UInt8]) throws(ProtocolError) -> IPv4Interface {
        guard value.count == 5 else { throw .invalid(.ipv4Address, "must be 5 octets (address and prefix length)") }
        return try IPv4Interface(address: IPv4Address(Array(value[0..<4])), prefixLength: value[4])
    }
}

/// A static IPv4 configuration (SPEC §8.4, field 6).
public struct StaticIPv4: Hashable, Sendable {
    /// The printer's address and prefix length (1-32).
    public var interface: IPv4Interface
    /// The default gateway.
    public var gateway: IPv4Address
    /// Zero to three DNS servers.
    public var dnsServers: [IPv4Address]

    /// Creates a static configuration; throws `.invalidField(.staticIPv4)` for a prefix of 0 or
    /// more than three DNS servers.
    public init(interface: IPv4Interface, gateway: IPv4Address, dnsServers: [IPv4Address]) throws(ProtocolError) {
        guard interface.prefixLength >= 1, dnsServers.count <= 3 else { throw .invalid(.staticIPv4, "the prefix length must be 1 to 32, with at most 3 DNS servers") }
        self.interface = interface
        self.gateway = gateway
        self.dnsServers = dnsServers
    }

    var encoded: [UInt8] { interface.encoded + gateway.octets + dnsServers.flatMap(\.octets) }

    static func decode(_ value: [UInt8]) throws(ProtocolError) -> StaticIPv4 {
        guard value.count >= 9, (value.count - 9) % 4 == 0, (value.count - 9) / 4 <= 3 else { throw .invalid(.staticIPv4, "must be 9 octets plus 4 per DNS server, at most 3") }
        let interface: IPv4Interface
        do { interface = try IPv4Interface.decode(Array(value[0..<5])) } catch { throw .invalid(.staticIPv4, "the prefix length must be at most 32") }
        let gateway = try IPv4Address(Array(value[5..<9]))
        var dns: [IPv4Address] = []
        var index = 9
        while index < value.count {
            dns.append(try IPv4Address(Array(value[index..<(index + 4)])))
            index += 4
        }
        return try StaticIPv4(interface: interface, gateway: gateway, dnsServers: dns)
    }
}
