import DBus
import SetupCentral
import SetupProtocol

/// Calls one caller's `io.smartsetup1.Agent1` (its unique name and object path), every call
/// with a deadline. Failures become the job's errors: an error reply of the agent's own
/// (`io.smartsetup1.Error.Canceled`) is a decline (`cancelled`); no answer in time, or the
/// agent gone from the bus (a `org.freedesktop.DBus.Error.*` reply), is `no-agent`.
struct AgentClient: Sendable {
    let connection: DBusConnection
    let owner: String
    let path: DBusObjectPath
    let limits: DaemonLimits

    /// `RequestPIN(job, printer, attempt) -> s`.
    func requestPIN(job: Job, printer: String, attempt: UInt32) async throws(SetupError) -> SetupPIN {
        let reply = try await call("RequestPIN", [.objectPath(job.path), .string(printer), .uint32(attempt)], timeout: limits.agentDeadline)
        guard reply.count == 1, case .string(let text) = reply[0] else { throw SetupError(.usage, "the agent answered RequestPIN without a PIN (s)") }
        do { return try SetupPIN(validating: text) } catch {
            throw SetupError(.usage, "the agent's PIN is not the printer's 8 digits with the WPS checksum")
        }
    }

    /// `RequestPassphrase(job, ssid) -> h`; nil when the agent declines.
    func requestPassphrase(job: Job, ssid: [UInt8]) async throws(SetupError) -> WiFiPassphrase? {
        let reply: [DBusValue]
        do {
            reply = try await call("RequestPassphrase", [.objectPath(job.path), .bytes(ssid)], timeout: limits.agentDeadline)
        } catch where error.kind == .cancelled {
            return nil
        }
        guard reply.count == 1, case .unixFD(let descriptor) = reply[0] else {
            throw SetupError(.usage, "the agent answered RequestPassphrase without a file descriptor (h)")
        }
        do { return try await PassphraseReader.read(descriptor, key: "RequestPassphrase", within: limits.passphraseReadDeadline) } catch {
            throw SetupError(.usage, "the agent's passphrase: \(error.rule)")
        }
    }

    /// `ConfirmButton(job, printer)`.
    func confirmButton(job: Job, printer: String) async throws(SetupError) {
        _ = try await call("ConfirmButton", [.objectPath(job.path), .string(printer)], timeout: limits.agentDeadline)
    }

    /// `Cancel(job)`, the reply waited for at most the cancel deadline and ignored.
    func cancel(job: Job) async {
        _ = try? await connection.call(message("Cancel", [.objectPath(job.path)]), timeout: limits.agentCancelDeadline)
    }

    private func message(_ member: String, _ body: [DBusValue]) -> DBusMessage {
        .methodCall(destination: owner, path: path, interface: ServiceNames.agent, member: member, body: body)
    }

    private func call(_ member: String, _ body: [DBusValue], timeout: Duration) async throws(SetupError) -> [DBusValue] {
        do {
            return try await connection.call(message(member, body), timeout: timeout).body
        } catch {
            switch error.kind {
            case .timedOut:
                throw SetupError(.noAgent, "the agent did not answer \(member) within \(timeout.components.seconds) s")
            case .cancelled:
                throw SetupError(.cancelled, "the job was cancelled while the agent was asked")
            default:
                if error.name.hasPrefix("org.freedesktop.DBus.Error.") {
                    throw SetupError(.noAgent, "the agent is gone or does not answer \(member) (\(error.name))")
                }
                throw SetupError(.cancelled, "the agent declined \(member)")
            }
        }
    }
}
