import DBus
import Logging
import ServiceLifecycle
import SetupCentral

/// The kiosk service: owns `io.smartsetup1` on a bus and serves `Protocol/dbus-api.md` over the
/// service the CLI uses. A swift-service-lifecycle `Service`: ``run()`` serves until its task
/// is cancelled or a graceful shutdown is triggered (SIGTERM/SIGINT through a
/// `ServiceGroup`); then it stops taking work, cancels queued and running jobs (state
/// `cancelled`), records them, releases the name and returns.
public final class SetupDaemon: Service, Sendable {
    /// What the daemon needs.
    public struct Configuration: Sendable {
        /// The bus to own the name on.
        public var bus: DBusBusAddress
        /// The adapters to use (their order is the preference on a tie).
        public var adapters: [String]
        /// Bounds and lifetimes.
        public var limits: DaemonLimits
        /// Opens the radio of an adapter (BlueZ on the system bus in production).
        public var radio: @Sendable (String) async throws(SetupError) -> any SetupRadio
        /// Where finished jobs are recorded, if anywhere.
        public var history: (any DaemonHistory)?

        /// A configuration.
        public init(
            bus: DBusBusAddress, adapters: [String], limits: DaemonLimits = DaemonLimits(), history: (any DaemonHistory)? = nil,
            radio: @escaping @Sendable (String) async throws(SetupError) -> any SetupRadio
        ) {
            self.bus = bus
            self.adapters = adapters
            self.limits = limits
            self.history = history
            self.radio = radio
        }
    }

    /// Why the daemon could not start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// For a person.
        public var description: String
    }

    private let configuration: Configuration
    private let logger: Logger

    /// A daemon; nothing happens before ``run()``.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until cancelled or shut down gracefully. Throws ``StartError`` when the bus cannot
    /// be reached or the name is taken.
    public func run() async throws {
        let connection: DBusConnection
        do { connection = try await DBusConnection.open(configuration.bus) } catch {
            throw StartError(description: "cannot reach the bus: \(error.message)")
        }
        defer { connection.close() }
        let server = DBusObjectServer(connection: connection)
        let (stream, work) = AsyncStream<@Sendable () async -> Void>.makeStream()
        let manager = JobManager(
            connection: connection, server: server, adapters: configuration.adapters, limits: configuration.limits, logger: logger,
            history: configuration.history, radio: configuration.radio, work: work)
        do {
            server.addObjectManager(at: .root)
            try server.register([ManagerInterface.make(manager)], at: try DBusObjectPath(ServiceNames.managerPath))
        } catch {
            throw StartError(description: "cannot export the service's objects: \(error.message)")
        }
        let owners: DBusSignalStream
        do {
            owners = try await connection.signals(matching: DBusMatchRule(
                sender: "org.freedesktop.DBus", interface: "org.freedesktop.DBus", member: "NameOwnerChanged"))
        } catch {
            throw StartError(description: "cannot follow the bus's NameOwnerChanged: \(error.message)")
        }
        do {
            let result = try await connection.requestName(ServiceNames.busName, flags: [.doNotQueue])
            guard result == .primaryOwner else { throw StartError(description: "the name \(ServiceNames.busName) is owned by another process") }
        } catch let error as StartError {
            throw error
        } catch {
            throw StartError(description: "cannot own \(ServiceNames.busName): \(error)")
        }
        logger.notice("serving", metadata: ["name": "\(ServiceNames.busName)", "adapters": "\(configuration.adapters.joined(separator: ","))"])

        await withDiscardingTaskGroup { group in
            group.addTask {
                do {
                    for try await signal in owners {
                        guard signal.body.count == 3, case .string(let name) = signal.body[0], case .string(let newOwner) = signal.body[2],
                            name.hasPrefix(":"), newOwner.isEmpty
                        else { continue }
                        manager.left(name)
                    }
                } catch {
                    self.logger.error("lost the bus", metadata: ["reason": "\(error)"])
                }
            }
            // The stop runs as work too, so that the records it causes are still written; it
            // ends the stream, and with it this loop.
            let stop: @Sendable () -> Void = {
                work.yield {
                    await self.stop(manager)
                    work.finish()
                }
            }
            await withGracefulShutdownHandler {
                await withTaskCancellationHandler {
                    for await job in stream { group.addTask { await job() } }
                } onCancel: {
                    stop()
                }
            } onGracefulShutdown: {
                stop()
            }
            group.cancelAll()
        }
        _ = try? await connection.releaseName(ServiceNames.busName, timeout: .seconds(1))
        logger.notice("stopped")
    }

    /// Stops taking work, cancels queued and running jobs and waits (at most the stop grace) for
    /// the running ones to end and for every finished job to be recorded.
    private func stop(_ manager: JobManager) async {
        logger.notice("stopping: new requests are refused, queued and running jobs are cancelled")
        let jobs = manager.stop()
        let deadline = ContinuousClock.now + configuration.limits.stopGrace
        while ContinuousClock.now < deadline, !Task.isCancelled, jobs.contains(where: { !$0.snapshot.state.isFinal }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for job in jobs where !job.snapshot.state.isFinal {
            job.finish(.cancelled("the service is stopping"))
            manager.ended(job, wasRunning: false)
        }
        while ContinuousClock.now < deadline + .seconds(1), !Task.isCancelled, manager.isRecording {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
