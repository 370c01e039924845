/// A connection to a D-Bus bus (or peer) over libdbus-1.
///
/// Each connection is a private libdbus connection owned by a dedicated I/O thread that drives
/// its socket, timeouts and message routing; any number of connections may live in one process.
/// Every public method is thread-safe. The connection never exits the process: when the bus goes
/// away, pending calls fail with `.disconnected`, signal streams throw `.disconnected`, and
/// ``waitUntilClosed()`` returns.
///
/// Release it with ``close()`` (or by dropping the last reference): the I/O thread then ends
/// by itself, closes the socket and its wake-up pipe and frees the libdbus connection, so a
/// closed connection holds no file descriptor even while it is still referenced. `close()`
/// never waits for that thread; ``waitUntilClosed()`` does, without holding a thread.
public final class DBusConnection: Sendable {
    let core: ConnectionCore
    /// The unique bus name the bus assigned to this connection, e.g. `:1.42`.
    public let uniqueName: String

    private init(core: ConnectionCore, uniqueName: String) {
        self.core = core
        self.uniqueName = uniqueName
    }

    deinit {
        core.close()
    }

    /// Connects to `bus`, authenticates and registers with the bus (`Hello`), all within `timeout`.
    ///
    /// Throws `.connectionFailed` when the address cannot be reached, `.timedOut` when the bus
    /// does not answer in time.
    public static func open(_ bus: DBusBusAddress, timeout: Duration = .seconds(10)) async throws(DBusError) -> DBusConnection {
        let address = try bus.resolve()
        let core = try ConnectionCore()
        do throws(DBusError) {
            try await ConnectionLoop.spawn(core: core, address: address)
        } catch {
            core.close()  // the thread that failed to connect releases everything and ends
            throw error
        }
        do throws(DBusError) {
            let serial = core.nextSerial()
            let hello = try ConnectionCore.busCall("Hello", [], serial: serial)
            let call = try core.startCall(hello, serial: serial, timeout: timeout, summary: "Hello")
            let reply = try await core.awaitOutcome(of: call).get()
            guard case .string(let name)? = reply.body.first, DBusNames.isValidBusName(name) else {
                throw DBusError(.malformedMessage, message: "the bus answered Hello without a unique name")
            }
            guard core.markOpen() else { throw ConnectionCore.closedError }
            return DBusConnection(core: core, uniqueName: name)
        } catch {
            core.close()
            throw error
        }
    }

    /// Sends a method call and waits for its reply, at most `timeout`.
    ///
    /// Returns the method return. Throws an error reply as `DBusError(errorName:message:)`,
    /// `.timedOut` past the deadline, `.cancelled` when the task is cancelled (the reply, if it
    /// still comes, is dropped), `.disconnected` when the connection ends first, and validation
    /// errors for messages that cannot be sent. `message.noReplyExpected` is ignored.
    public func call(_ message: DBusMessage, timeout: Duration = .seconds(25)) async throws(DBusError) -> DBusMessage {
        guard message.kind == .methodCall else {
            throw DBusError(.invalidArguments, message: "call() needs a method call")
        }
        var message = message
        message.noReplyExpected = false
        try checkUnixFDs(message)
        let serial = core.nextSerial()
        let raw = try LibDBusMessage(message, serial: serial)
        let pending = try core.startCall(raw, serial: serial, timeout: timeout, summary: message.member ?? "a method call")
        return try await core.awaitOutcome(of: pending).get()
    }

    /// Sends `message` without waiting for a reply (signals, replies, calls that expect none) and
    /// returns the serial it carries. The message is written from the calling thread (or left
    /// to the I/O thread if the socket does not take it at once); messages leave in the order
    /// their `send` or `call` returned.
    @discardableResult
    public func send(_ message: DBusMessage) throws(DBusError) -> UInt32 {
        try checkUnixFDs(message)
        let serial = core.nextSerial()
        try core.send(try LibDBusMessage(message, serial: serial))
        return serial
    }

    /// Installs the one handler for incoming method calls (nil removes it).
    ///
    /// It runs on the connection's I/O thread, once per call, in arrival order. It must return
    /// quickly and never block or await: hand the work to a task or queue and answer later with
    /// ``send(_:)`` (``DBusMessage/methodReturn(replyingTo:body:)`` or
    /// ``DBusMessage/errorReply(replyingTo:error:)``). Every call it receives needs an answer
    /// (unless `noReplyExpected`), including `UnknownObject`/`UnknownMethod` for what it does not
    /// handle. With no handler installed the connection answers every call with `UnknownObject`
    /// itself. `org.freedesktop.DBus.Peer` (`Ping`, `GetMachineId`) is always answered by the
    /// connection and never reaches the handler. Capture the connection weakly in the handler, or
    /// call ``close()``: the connection keeps the handler alive.
    public func setMethodCallHandler(_ handler: (@Sendable (DBusMessage) -> Void)?) {
        core.setMethodCallHandler(handler)
    }

    /// An executor that runs tasks on this connection's I/O thread.
    ///
    /// Code that makes many calls in a row can run there with
    /// `withTaskExecutorPreference(connection.executor) { ... }` (or
    /// `Task(executorPreference: connection.executor)`): its calls are then sent from the I/O
    /// thread and resumed by their replies on the same thread, so a round trip costs no thread
    /// switch (elsewhere the reply is read on the I/O thread and the awaiting task resumed on
    /// the global executor, which wakes a second thread). The I/O thread also serves every
    /// other caller, signal stream and method call of the connection: code running there must
    /// not block it, and should hop elsewhere (e.g. await another executor or actor) for long
    /// computations. Jobs run in the order they were enqueued. After the connection ends, jobs
    /// run on the global concurrent executor instead.
    public var executor: any TaskExecutor { core.executor }

    /// True until the connection is closed or lost.
    public var isConnected: Bool { core.isOpen }

    /// Waits until the connection ended and released its socket and wake-up pipe, and returns
    /// why it ended: `.disconnected` with a message saying whether the bus went away or
    /// ``close()`` was called. Returns at once if that is already done. After ``close()`` this
    /// takes one turn of the I/O thread. This wait has no deadline of its own: it is an event,
    /// so race it with your own timeout.
    public func waitUntilClosed() async -> DBusError {
        await core.waitForEnd()
    }

    /// Ends the connection: pending calls fail with `.disconnected`, signal streams end, later
    /// sends and calls throw `.disconnected`. Messages already queued are written if the socket
    /// takes them at once. Returns at once, without waiting for the I/O thread (which may be in
    /// the middle of a turn): that thread then closes the socket and the wake-up pipe, frees the
    /// libdbus connection and ends; ``waitUntilClosed()`` returns once it did. Never blocks, so
    /// it may be called from any task or thread, the I/O thread included. Idempotent; also done
    /// when the last reference goes away.
    public func close() {
        core.close()
    }

    private func checkUnixFDs(_ message: DBusMessage) throws(DBusError) {
        guard !core.canPassUnixFDs.load(ordering: .relaxed), message.body.contains(where: \.containsUnixFD) else { return }
        throw DBusError(.invalidArguments, message: "this connection cannot pass Unix fds")
    }
}
