import SetupProtocol

/// One step of a simulated join: wait, then report a status.
public struct JoinStep: Hashable, Sendable {
    /// How long after the previous step.
    public var delay: Duration
    /// The status reported.
    public var status: JoinStatus
}

/// Decides what joining a network does, from the credentials and the network table: every
/// outcome of the protocol (SPEC §15.2) can be produced. Pure; the emulator plays the steps.
public struct JoinSimulator: Sendable {
    /// The networks.
    public var table: NetworkTable
    /// Whether the printer can use WPA3 (SAE); without it WPA3-only networks fail with
    /// "unsupported security".
    public var supportsWPA3: Bool
    /// The printer's own join deadline; a join that takes longer fails with "timed out" then.
    public var joinTimeout: Duration

    /// Creates a simulator.
    public init(table: NetworkTable, supportsWPA3: Bool = true, joinTimeout: Duration = .seconds(85)) {
        self.table = table
        self.supportsWPA3 = supportsWPA3
        self.joinTimeout = joinTimeout
    }

    /// The statuses after `received`, with their delays; the last one is final.
    public func plan(for credentials: WiFiCredentials) -> [JoinStep] {
        guard let network = table.network(named: credentials.ssid), network.hidden != true || credentials.isHidden,
              let security = network.wifiSecurity
        else {
            return [JoinStep(delay: .milliseconds(50), status: .associating), JoinStep(delay: .milliseconds(100), status: .failed(.networkNotFound))]
        }
        let total = Duration.milliseconds(max(0, network.joinTimeMs))
        if total > joinTimeout {
            return [JoinStep(delay: .zero, status: .associating), JoinStep(delay: joinTimeout, status: .failed(.timedOut))]
        }
        let stage = total / 4
        guard Self.compatible(network: security, client: credentials.security),
              supportsWPA3 || (security != .wpa3SAE && credentials.security != .wpa3SAE)
        else {
            return [JoinStep(delay: stage, status: .failed(.unsupportedSecurity))]
        }
        var steps = [JoinStep(delay: stage, status: .associating)]
        if security != .open {
            steps.append(JoinStep(delay: stage, status: .authenticating))
            let expected = network.passphrase.map { Array($0.utf8) }
            guard credentials.passphrase?.octets == expected else {
                steps.append(JoinStep(delay: stage, status: .failed(.wrongPassphrase)))
                return steps
            }
        }
        steps.append(JoinStep(delay: stage, status: .obtainingAddress))
        if let staticIPv4 = credentials.staticIPv4 {
            steps.append(JoinStep(delay: stage, status: .connected(staticIPv4.interface)))
        } else if network.dhcp == .ok, let address = network.address.flatMap(parseInterface) {
            steps.append(JoinStep(delay: stage, status: .connected(address)))
        } else {
            steps.append(JoinStep(delay: stage, status: .failed(.noAddress)))
        }
        return steps
    }

    /// WPA2/WPA3 transition networks take either; a transition-mode client takes either network.
    private static func compatible(network: WiFiSecurity, client: WiFiSecurity) -> Bool {
        if network == client { return true }
        switch (network, client) {
        case (.wpa2WPA3, .wpa2PSK), (.wpa2WPA3, .wpa3SAE), (.wpa2PSK, .wpa2WPA3), (.wpa3SAE, .wpa2WPA3): return true
        default: return false
        }
    }
}
