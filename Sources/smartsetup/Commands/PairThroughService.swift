#if canImport(Glibc)
import Glibc
#endif
import DBus
import SetupCentral
import SetupDaemon
import SetupProtocol

/// `smartsetup pair --service`: the same request through the kiosk service (`io.smartsetup1` on
/// the system bus, Protocol/dbus-api.md). Secrets are read as for the direct path; the
/// passphrase travels as a pipe's file descriptor, the PIN as the request's `PIN` (or, when it
/// must be asked for, through an agent this command registers). With `--host-wifi` the command
/// reads nothing from NetworkManager: it asks with `HostNetwork` (and `HostNetworkId`), and the
/// daemon reads the network, passphrase included. The outcome is reported, and the command
/// exits, exactly as the direct path would for the job's `Error`.
extension PairCommand {
    func pairThroughService(_ console: Console) async throws(SetupError) {
        let deadline = CommandDeadline(seconds: target.timeout)
        let (printerTarget, network, corrected) = try await deadline.run {
            () throws(SetupError) -> (PrinterTarget, ServiceRequest.Network, (@Sendable () async -> WiFiPassphrase?)?) in
            if hostWiFi.isUsed {
                let network = ServiceRequest.Network.host(
                    connection: hostWiFi.connection, staticIPv4: try staticConfiguration(), hostname: hostname, disableWPS: disableWPS)
                return (try await target.target(), network, nil)
            }
            let request = try await makeRequest()
            return (request.target, .given(request.credentials), request.correctedPassphrase)
        }
        let connection: DBusConnection
        do { connection = try await DBusConnection.open(.system) } catch {
            throw SetupError(.serviceUnavailable, "cannot reach the system bus: \(error.message)", cause: error)
        }
        defer { connection.close() }
        var body = ServiceRequest.pairBody(printerTarget, network, timeout: target.timeout, printer: target.printer)
        var agent: DBusObjectServer?
        if case .ask(let ask) = printerTarget.authentication {
            agent = try await ServiceRequest.registerAgent(on: connection, ask: ask, correctedPassphrase: corrected)
        }
        let changes: DBusSignalStream
        do {
            changes = try await connection.signals(matching: DBusMatchRule(
                sender: ServiceNames.busName, pathNamespace: try DBusObjectPath(ServiceNames.jobsPath),
                interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged"))
        } catch {
            throw SetupError(.serviceUnavailable, "cannot follow the kiosk service's jobs: \(error.message)", cause: error)
        }
        defer { changes.cancel() }
        if case .given(let credentials) = network, let passphrase = credentials.passphrase {
            body["Passphrase"] = .unixFD(try ServiceRequest.pipe(holding: passphrase))
        }
        let job = try await ServiceRequest.submit(connection, body: body)
        // The job's Timeout counts from when it leaves the queue: allow a minute of queueing.
        let follow = CommandDeadline(seconds: target.timeout + 60)
        let final = try await follow.run { () throws(SetupError) in
            try await ServiceRequest.follow(job, on: connection, changes: changes) { state, message in
                console.event("state", ["state": .string(state), "message": .string(message)], text: "• \(message)")
            }
        }
        withExtendedLifetime(agent) {}
        guard final["State"]?.string == "succeeded" else {
            let name = final["Error"]?.string ?? "internal"
            throw SetupError(ServiceRequest.kind(named: name), final["Message"]?.string ?? "the job failed")
        }
        let shortID = final["Printer"]?.string ?? ""
        let address = final["Address"]?.string ?? ""
        console.event(
            "paired", ["shortId": .string(shortID), "address": .string(address), "job": .string(job.rawValue)],
            text: "✓ Printer \(shortID) joined \(networkLabel) with address \(address)")
    }
}

/// The client side of the kiosk service for the CLI.
enum ServiceRequest {
    static let agentPath = "/io/smartsetup1/cli/agent"

    /// The network a `Pair` request hands over.
    enum Network {
        /// The credentials the command was given (their passphrase goes as a pipe, not in the body).
        case given(WiFiCredentials)
        /// The host's own Wi-Fi (`--host-wifi`, `--host-wifi-id`): the daemon reads it from
        /// NetworkManager (`HostNetwork`, `HostNetworkId`); the other settings go as given.
        case host(connection: String?, staticIPv4: StaticIPv4?, hostname: String?, disableWPS: Bool)
    }

    /// The `Pair` request for `target` and `network`, without the passphrase.
    static func pairBody(_ target: PrinterTarget, _ network: Network, timeout: Double, printer: String?) -> [String: DBusValue] {
        var body: [String: DBusValue] = ["Timeout": .double(timeout)]
        if let printer { body["Printer"] = .string(printer) }
        switch target.authentication {
        case .pin(let pin): body["PIN"] = .string(pin.revealedForDisplay())
        case .button: body["Button"] = .boolean(true)
        case .ask: break
        }
        let staticIPv4: StaticIPv4?, hostname: String?, disableWPS: Bool
        switch network {
        case .given(let credentials):
            body["SSID"] = .bytes(credentials.ssid)
            body["Security"] = .string(securityName(credentials.security))
            if credentials.isHidden { body["Hidden"] = .boolean(true) }
            (staticIPv4, hostname, disableWPS) = (credentials.staticIPv4, credentials.hostname, credentials.disableWPS)
        case .host(let connection, let hostStaticIPv4, let hostHostname, let hostDisableWPS):
            body["HostNetwork"] = .boolean(true)
            if let connection { body["HostNetworkId"] = .string(connection) }
            (staticIPv4, hostname, disableWPS) = (hostStaticIPv4, hostHostname, hostDisableWPS)
        }
        if disableWPS { body["DisableWPS"] = .boolean(true) }
        if let hostname { body["Hostname"] = .string(hostname) }
        if let staticIPv4 {
            body["StaticIPv4"] = .propertyDictionary([
                "Address": .string(staticIPv4.interface.description), "Gateway": .string(staticIPv4.gateway.description),
                "DNS": .stringArray(staticIPv4.dnsServers.map(\.description)),
            ])
        }
        return body
    }

    static func securityName(_ security: WiFiSecurity) -> String {
        switch security {
        case .open: "open"
        case .wpa2PSK: "wpa2"
        case .wpa3SAE: "wpa3"
        case .wpa2WPA3: "wpa2-wpa3"
        }
    }

    /// A pipe's read end holding the passphrase (the write end closed: at most 64 octets never
    /// fill a pipe).
    static func pipe(holding passphrase: WiFiPassphrase) throws(SetupError) -> DBusUnixFD {
        var ends: [Int32] = [-1, -1]
        guard Glibc.pipe(&ends) == 0 else { throw SetupError(.internalError, "cannot make a pipe for the passphrase") }
        let written = passphrase.octets.withUnsafeBytes { Glibc.write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        guard written == passphrase.octets.count else {
            close(ends[0])
            throw SetupError(.internalError, "cannot write the passphrase into a pipe")
        }
        return DBusUnixFD(takingOwnershipOf: ends[0])
    }

    /// Calls `Manager1.Pair`; the D-Bus errors become the service client's exit codes.
    static func submit(_ connection: DBusConnection, body: [String: DBusValue]) async throws(SetupError) -> DBusObjectPath {
        do {
            let reply = try await connection.call(
                .methodCall(destination: ServiceNames.busName, path: try DBusObjectPath(ServiceNames.managerPath), interface: ServiceNames.manager,
                            member: "Pair", body: [.propertyDictionary(body)]), timeout: .seconds(10))
            guard case .objectPath(let job)? = reply.body.first else { throw SetupError(.internalError, "the kiosk service answered Pair without a job") }
            return job
        } catch let error as SetupError {
            throw error
        } catch let error as DBusError {
            throw Self.error(error)
        } catch {
            throw SetupError(.internalError, "Pair failed", cause: error)
        }
    }

    static func error(_ error: DBusError) -> SetupError {
        switch error.name {
        case ServiceNames.ErrorName.busy: return SetupError(.serviceBusy, error.message, cause: error)
        case ServiceNames.ErrorName.invalidArguments: return SetupError(.usage, error.message, cause: error)
        case ServiceNames.ErrorName.notAuthorized, "org.freedesktop.DBus.Error.AccessDenied":
            return SetupError(.notAuthorized, "the kiosk service refused the request: \(error.message)", cause: error)
        case ServiceNames.ErrorName.shuttingDown: return SetupError(.serviceUnavailable, "the kiosk service is stopping", cause: error)
        default:
            switch error.kind {
            case .serviceUnknown, .nameHasNoOwner, .disconnected, .connectionFailed:
                return SetupError(.serviceUnavailable, "the kiosk service (\(ServiceNames.busName)) is not running: start `smartsetup serve`", cause: error)
            case .accessDenied: return SetupError(.notAuthorized, "the bus refused the request: \(error.message)", cause: error)
            default: return SetupError(.internalError, "the kiosk service failed: \(error.message)", cause: error)
            }
        }
    }

    /// Reports every state change of `job` and returns its properties once it finished.
    static func follow(
        _ job: DBusObjectPath, on connection: DBusConnection, changes: DBusSignalStream, report: @Sendable (String, String) -> Void
    ) async throws(SetupError) -> [String: DBusValue] {
        var properties: [String: DBusValue]
        do {
            let reply = try await connection.call(
                .methodCall(destination: ServiceNames.busName, path: job, interface: "org.freedesktop.DBus.Properties", member: "GetAll",
                            body: [.string(ServiceNames.job)]), timeout: .seconds(10))
            properties = try reply.body.first?.propertyDictionary() ?? [:]
        } catch {
            throw SetupError(.serviceUnavailable, "cannot read the job", cause: error)
        }
        var lastState = ""
        func isFinal() -> Bool { ["succeeded", "failed", "cancelled"].contains(properties["State"]?.string ?? "") }
        func reportState() {
            let state = properties["State"]?.string ?? ""
            if state != lastState, !["succeeded", "failed", "cancelled"].contains(state) { report(state, properties["Message"]?.string ?? state) }
            lastState = state
        }
        reportState()
        do {
            var iterator = changes.makeAsyncIterator()
            while !isFinal(), let signal = try await iterator.next() {
                guard signal.path == job, signal.body.count >= 2, let changed = try? signal.body[1].propertyDictionary() else { continue }
                properties.merge(changed) { $1 }
                reportState()
            }
        } catch {
            throw SetupError(.serviceUnavailable, "lost the kiosk service while following the job", cause: error)
        }
        guard isFinal() else { throw SetupError(.serviceUnavailable, "the kiosk service went away during the job") }
        return properties
    }

    /// Exports an `io.smartsetup1.Agent1` that asks at the terminal (as the direct path does)
    /// and registers it.
    static func registerAgent(
        on connection: DBusConnection, ask: @escaping @Sendable (UInt8?) async -> SetupPIN?, correctedPassphrase corrected: (@Sendable () async -> WiFiPassphrase?)?
    ) async throws(SetupError) -> DBusObjectServer {
        let server = DBusObjectServer(connection: connection)
        let declined = DBusError(errorName: ServiceNames.ErrorName.canceled, message: "declined at the terminal")
        do {
            let path = try DBusObjectPath(agentPath)
            try server.register([
                DBusExportedInterface(ServiceNames.agent, methods: [
                    DBusExportedMethod(
                        "RequestPIN", inputs: [.init("job", .objectPath), .init("printer", .string), .init("attempt", .uint32)], outputs: [.init("pin", .string)]
                    ) { invocation throws(DBusError) in
                        let attempt = invocation.arguments[2].uint32 ?? 1
                        var left: UInt8?
                        if attempt > 1, case .objectPath(let job) = invocation.arguments[0] { left = await attemptsLeft(job, on: connection) }
                        guard let pin = await ask(left) else { throw declined }
                        return [.string(pin.revealedForDisplay())]
                    },
                    DBusExportedMethod(
                        "RequestPassphrase", inputs: [.init("job", .objectPath), .init("ssid", .array(.byte))], outputs: [.init("passphrase", .unixFD)]
                    ) { _ throws(DBusError) in
                        guard let corrected, let passphrase = await corrected() else { throw declined }
                        do throws(SetupError) { return [.unixFD(try pipe(holding: passphrase))] } catch { throw DBusError(.failed, message: error.message) }
                    },
                    DBusExportedMethod("ConfirmButton", inputs: [.init("job", .objectPath), .init("printer", .string)]) { invocation throws(DBusError) in
                        let printer = invocation.arguments[1].string ?? ""
                        guard SecretInput.isInteractive,
                            await SecretInput.promptVisible("Press the Wi-Fi setup button of printer \(printer), then Enter: ") != nil
                        else { throw declined }
                        return []
                    },
                    DBusExportedMethod("Cancel", inputs: [.init("job", .objectPath)]) { _ in [] },
                ])
            ], at: path)
            _ = try await connection.call(
                .methodCall(destination: ServiceNames.busName, path: try DBusObjectPath(ServiceNames.managerPath), interface: ServiceNames.manager,
                            member: "RegisterAgent", body: [.objectPath(path)]), timeout: .seconds(10))
        } catch {
            throw Self.error(error)
        }
        return server
    }

    /// The attempts left that the job's Message states ("wrong PIN, 2 attempts left; ...").
    static func attemptsLeft(_ job: DBusObjectPath, on connection: DBusConnection) async -> UInt8? {
        let reply = try? await connection.call(
            .methodCall(destination: ServiceNames.busName, path: job, interface: "org.freedesktop.DBus.Properties", member: "Get",
                        body: [.string(ServiceNames.job), .string("Message")]), timeout: .seconds(5))
        guard case .variant(.string(let message))? = reply?.body.first, let range = message.range(of: " attempts left") else { return nil }
        return UInt8(message[..<range.lowerBound].split(separator: " ").last ?? "")
    }

    /// The service-client error kind with the exit-code table name `name`.
    static func kind(named name: String) -> SetupError.Kind {
        let kinds: [SetupError.Kind] = [
            .internalError, .usage, .noAdapter, .bluetoothOff, .noPrinterFound, .severalPrinters([]), .wrongPIN(attemptsLeft: nil),
            .pinLockedOut(retryAfterSeconds: nil), .printerRefused(.busy), .wifiAuthenticationFailed, .networkNotFound, .noAddress,
            .joinFailed(.internalError), .timedOut, .printerLost, .messageLost, .cancelled, .serviceUnavailable, .serviceBusy,
            .notAuthorized, .noAgent,
        ] + SetupError.HostWiFiFailure.allCases.map { .hostWiFi($0) }
        return kinds.first { SetupError($0, "").kindName == name } ?? .internalError
    }
}
