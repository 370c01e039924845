import CDBus

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The I/O thread of one connection: the only code that touches its libdbus connection.
///
/// Each turn it sends the queued messages, pops and routes every received message (replies to
/// pending calls, signals to streams, method calls to the handler), fails calls past their
/// deadline, then sleeps in `poll()` on libdbus's watches and the wake-up pipe until I/O, a
/// libdbus timeout, the next call deadline, or a caller wakes it.
final class ConnectionLoop {
    private let core: ConnectionCore
    private let address: String
    private var connection: OpaquePointer?
    private var started: CheckedContinuation<Result<Void, DBusError>, Never>?
    /// libdbus watches (`DBusWatch*`), kept by the watch callbacks.
    fileprivate var watches: [OpaquePointer] = []
    /// libdbus timeouts (`DBusTimeout*`) and when each is due (nil while disabled).
    fileprivate var timeouts: [(timeout: OpaquePointer, due: ContinuousClock.Instant?)] = []
    private var knowsFDPassing = false

    init(core: ConnectionCore, address: String, started: CheckedContinuation<Result<Void, DBusError>, Never>) {
        self.core = core
        self.address = address
        self.started = started
    }

    /// Starts the I/O thread; it resumes `started` once the socket is connected (or failed).
    static func spawn(core: ConnectionCore, address: String) async throws(DBusError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, DBusError>, Never>) in
            let loop = ConnectionLoop(core: core, address: address, started: continuation)
            let context = Unmanaged.passRetained(loop).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                let loop = Unmanaged<ConnectionLoop>.fromOpaque(context!).takeRetainedValue()
                loop.run()
                return nil
            }, context)
            if status != 0 {
                Unmanaged<ConnectionLoop>.fromOpaque(context).release()
                core.end(with: DBusError(.connectionFailed, message: "cannot start the I/O thread"), streamsThrow: true)
                continuation.resume(returning: .failure(DBusError(.connectionFailed, message: "pthread_create failed: \(status)")))
                return
            }
            core.state.withLock { $0.thread = thread }
        }
        try result.get()
    }

    private func run() {
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        guard let connection = address.withCString({ dbus_connection_open_private($0, &error) }) else {
            let detail = error.message.map { String(cString: $0) } ?? "unknown reason"
            dbus_error_free(&error)
            let failure = DBusError(.connectionFailed, message: "cannot connect to \(address): \(detail)")
            core.end(with: failure, streamsThrow: true)
            started?.resume(returning: .failure(failure))
            return
        }
        self.connection = connection
        dbus_connection_set_exit_on_disconnect(connection, 0)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let hooked = dbus_connection_set_watch_functions(connection, addWatch, removeWatch, watchToggled, context, nil) != 0
            && dbus_connection_set_timeout_functions(connection, addTimeout, removeTimeout, timeoutToggled, context, nil) != 0
        if hooked {
            started?.resume(returning: .success(()))
            started = nil
            loop(connection)
        } else {
            let failure = DBusError.outOfMemory
            core.end(with: failure, streamsThrow: true)
            started?.resume(returning: .failure(failure))
        }
        dbus_connection_close(connection)
        dbus_connection_set_watch_functions(connection, nil, nil, nil, nil, nil)
        dbus_connection_set_timeout_functions(connection, nil, nil, nil, nil, nil)
        dbus_connection_unref(connection)
        self.connection = nil
    }

    private func loop(_ connection: OpaquePointer) {
        var pollFDs: [pollfd] = []
        var polledWatches: [OpaquePointer] = []
        while true {
            let work = core.takeWork()
            for message in work.outgoing { send(message, on: connection) }
            if case .closing = work.phase {
                core.end(with: ConnectionCore.closedError, streamsThrow: false)
                return
            }
            if case .ended = work.phase { return }
            if !drainIncoming(connection) || dbus_connection_get_is_connected(connection) == 0 {
                core.end(with: DBusError(.disconnected, message: "the bus connection was lost"), streamsThrow: true)
                return
            }
            if !knowsFDPassing, dbus_connection_get_is_authenticated(connection) != 0 {
                knowsFDPassing = true
                core.canPassUnixFDs.store(dbus_connection_can_send_type(connection, TypeCode.unixFD) != 0, ordering: .relaxed)
            }
            let now = ContinuousClock.now
            var due = core.expireCalls(now: now)
            for entry in timeouts {
                if let timeoutDue = entry.due, due.map({ timeoutDue < $0 }) ?? true { due = timeoutDue }
            }

            pollFDs.removeAll(keepingCapacity: true)
            polledWatches.removeAll(keepingCapacity: true)
            pollFDs.append(pollfd(fd: core.wakeup.readEnd, events: Int16(POLLIN), revents: 0))
            for watch in watches where dbus_watch_get_enabled(watch) != 0 {
                let flags = dbus_watch_get_flags(watch)
                var events: Int16 = 0
                if flags & DBUS_WATCH_READABLE.rawValue != 0 { events |= Int16(POLLIN) }
                if flags & DBUS_WATCH_WRITABLE.rawValue != 0 { events |= Int16(POLLOUT) }
                pollFDs.append(pollfd(fd: dbus_watch_get_unix_fd(watch), events: events, revents: 0))
                polledWatches.append(watch)
            }
            let timeoutMS = due.map { Self.milliseconds(until: $0, from: now) } ?? -1
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMS)
            if ready < 0 { continue }  // EINTR
            if pollFDs[0].revents != 0 { core.wakeup.drain() }
            for (index, watch) in polledWatches.enumerated() {
                let revents = pollFDs[index + 1].revents
                guard revents != 0, watches.contains(watch) else { continue }
                var flags: UInt32 = 0
                if revents & Int16(POLLIN) != 0 { flags |= DBUS_WATCH_READABLE.rawValue }
                if revents & Int16(POLLOUT) != 0 { flags |= DBUS_WATCH_WRITABLE.rawValue }
                if revents & Int16(POLLERR) != 0 { flags |= DBUS_WATCH_ERROR.rawValue }
                if revents & Int16(POLLHUP) != 0 { flags |= DBUS_WATCH_HANGUP.rawValue }
                dbus_watch_handle(watch, flags)
            }
            runDueTimeouts()
        }
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
        guard deadline > now else { return 0 }
        let (seconds, attoseconds) = (deadline - now).components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    private func runDueTimeouts() {
        let now = ContinuousClock.now
        let dueNow = timeouts.compactMap { entry -> OpaquePointer? in
            guard let due = entry.due, due <= now else { return nil }
            return entry.timeout
        }
        for timeout in dueNow {
            guard let index = timeouts.firstIndex(where: { $0.timeout == timeout }) else { continue }
            timeouts[index].due = now + .milliseconds(Int(dbus_timeout_get_interval(timeout)))
            dbus_timeout_handle(timeout)
        }
    }

    /// Sends one queued message and drops our reference.
    private func send(_ message: LibDBusMessage, on connection: OpaquePointer) {
        defer { message.release() }
        if dbus_message_contains_unix_fds(message.pointer) != 0,
            dbus_connection_can_send_type(connection, TypeCode.unixFD) == 0
        {
            failCall(serial: dbus_message_get_serial(message.pointer),
                     DBusError(.invalidArguments, message: "this connection cannot pass Unix fds"))
            return
        }
        if dbus_connection_send(connection, message.pointer, nil) == 0 {
            failCall(serial: dbus_message_get_serial(message.pointer), .outOfMemory)
        }
    }

    private func failCall(serial: UInt32, _ error: DBusError) {
        if let call = core.state.withLock({ $0.pending[serial] }) {
            core.finish(call, with: .failure(error))
        }
    }

    /// Routes every received message. Returns false once libdbus reports the disconnect.
    private func drainIncoming(_ connection: OpaquePointer) -> Bool {
        while dbus_connection_get_dispatch_status(connection) == DBUS_DISPATCH_DATA_REMAINS {
            guard let pointer = dbus_connection_pop_message(connection) else { break }
            let message = LibDBusMessage(adopting: pointer)
            defer { message.release() }
            switch message.libdbusType {
            case DBUS_MESSAGE_TYPE_METHOD_RETURN, DBUS_MESSAGE_TYPE_ERROR:
                core.deliverReply(message)
            case DBUS_MESSAGE_TYPE_SIGNAL:
                if message.isLocalDisconnect { return false }
                core.deliverSignal(message)
            case DBUS_MESSAGE_TYPE_METHOD_CALL:
                handleMethodCall(message, on: connection)
            default:
                break
            }
        }
        return true
    }

    /// Answers `org.freedesktop.DBus.Peer` itself, hands other calls to the handler, and replies
    /// `UnknownObject` when there is none, so a caller never waits in vain.
    private func handleMethodCall(_ raw: LibDBusMessage, on connection: OpaquePointer) {
        let call: DBusMessage
        do {
            call = try raw.decode()
        } catch {
            replyError(to: raw, error, on: connection)
            return
        }
        if call.interface == "org.freedesktop.DBus.Peer" {
            answerPeer(call, raw, on: connection)
            return
        }
        if let handler = core.methodCallHandler {
            handler(call)
        } else {
            replyError(to: raw, DBusError(.unknownObject, message: "no object at path \(call.path?.rawValue ?? "?")"), on: connection)
        }
    }

    private func answerPeer(_ call: DBusMessage, _ raw: LibDBusMessage, on connection: OpaquePointer) {
        switch call.member {
        case "Ping":
            sendNow(.methodReturn(replyingTo: call), on: connection)
        case "GetMachineId":
            var error = CDBus.DBusError()
            dbus_error_init(&error)
            if let id = dbus_try_get_local_machine_id(&error) {
                defer { dbus_free(id) }
                sendNow(.methodReturn(replyingTo: call, body: [.string(String(cString: id))]), on: connection)
            } else {
                dbus_error_free(&error)
                replyError(to: raw, DBusError(.failed, message: "no machine id"), on: connection)
            }
        default:
            replyError(to: raw, DBusError(.unknownMethod, message: "no method \(call.member ?? "?") on org.freedesktop.DBus.Peer"),
                       on: connection)
        }
    }

    /// Sends an error reply to `raw` unless it asked for no reply.
    private func replyError(to raw: LibDBusMessage, _ error: DBusError, on connection: OpaquePointer) {
        guard dbus_message_get_no_reply(raw.pointer) == 0 else { return }
        var reply = DBusMessage(kind: .error, errorName: error.name, replySerial: dbus_message_get_serial(raw.pointer),
                                body: [.string(error.message)])
        if let sender = dbus_message_get_sender(raw.pointer) { reply.destination = String(cString: sender) }
        sendNow(reply, on: connection)
    }

    private func sendNow(_ message: DBusMessage, on connection: OpaquePointer) {
        guard let raw = try? LibDBusMessage(message, serial: core.nextSerial()) else { return }
        send(raw, on: connection)
    }
}

// MARK: libdbus callbacks (called on the I/O thread, inside libdbus calls made there)

private func loop(_ data: UnsafeMutableRawPointer?) -> ConnectionLoop {
    Unmanaged<ConnectionLoop>.fromOpaque(data!).takeUnretainedValue()
}

private func addWatch(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) -> dbus_bool_t {
    guard let watch else { return 0 }
    loop(data).watches.append(watch)
    return 1
}

private func removeWatch(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    loop(data).watches.removeAll { $0 == watch }
}

private func watchToggled(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    // Enabled state is read from the watch on every turn of the loop.
}

private func addTimeout(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) -> dbus_bool_t {
    guard let timeout else { return 0 }
    loop(data).timeouts.append((timeout, dueTime(timeout)))
    return 1
}

private func removeTimeout(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    loop(data).timeouts.removeAll { $0.timeout == timeout }
}

private func timeoutToggled(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    let owner = loop(data)
    guard let timeout, let index = owner.timeouts.firstIndex(where: { $0.timeout == timeout }) else { return }
    owner.timeouts[index].due = dueTime(timeout)
}

private func dueTime(_ timeout: OpaquePointer) -> ContinuousClock.Instant? {
    guard dbus_timeout_get_enabled(timeout) != 0 else { return nil }
    return .now + .milliseconds(Int(dbus_timeout_get_interval(timeout)))
}
