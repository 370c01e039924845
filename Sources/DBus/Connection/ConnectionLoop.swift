import CDBus

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The I/O thread of one connection: it reads, routes and times out; callers send themselves.
///
/// Each turn it pops and routes every received message (replies to pending calls, signals to
/// streams, method calls to the handler; routing runs outside the link lock, so a handler may
/// send at once), fails calls past their deadline, then sleeps in `poll()` on libdbus's watches
/// and the wake-up pipe until I/O, a libdbus timeout, the next call deadline, or a wake-up
/// (close, an earlier deadline, a send that libdbus could not finish writing, or a job for
/// ``ConnectionExecutor``). Between routing and polling it runs the executor's jobs.
final class ConnectionLoop {
    private let core: ConnectionCore
    private let address: String
    private var started: CheckedContinuation<Result<Void, DBusError>, Never>?
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
                core.released()
                continuation.resume(returning: .failure(DBusError(.connectionFailed, message: "pthread_create failed: \(status)")))
                return
            }
            // Nobody joins the I/O thread: it releases what the connection holds and ends by
            // itself, and ``ConnectionCore/close()`` only asks it to (a join would hold the
            // closing thread, a thread of the cooperative pool as often as not).
            pthread_detach(thread)
        }
        try result.get()
    }

    private func run() {
        core.executor.attachIOThread()
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        let link = core.link
        let context = Unmanaged.passUnretained(link).toOpaque()
        let opened = link.withLock { link -> Result<Void, DBusError> in
            guard let connection = address.withCString({ dbus_connection_open_private($0, &error) }) else {
                let detail = error.message.map { String(cString: $0) } ?? "unknown reason"
                dbus_error_free(&error)
                return .failure(DBusError(.connectionFailed, message: "cannot connect to \(address): \(detail)"))
            }
            dbus_connection_set_exit_on_disconnect(connection, 0)
            let hooked = dbus_connection_set_watch_functions(connection, addWatch, removeWatch, watchToggled, context, nil) != 0
                && dbus_connection_set_timeout_functions(connection, addTimeout, removeTimeout, timeoutToggled, context, nil) != 0
            link.connection = connection
            return hooked ? .success(()) : .failure(.outOfMemory)
        }
        switch opened {
        case .success:
            started?.resume(returning: .success(()))
            started = nil
            loop(link)
        case .failure(let failure):
            core.end(with: failure, streamsThrow: true)
            started?.resume(returning: .failure(failure))
        }
        link.withLock { link in
            guard let connection = link.connection else { return }
            link.connection = nil
            dbus_connection_close(connection)
            dbus_connection_set_watch_functions(connection, nil, nil, nil, nil, nil)
            dbus_connection_set_timeout_functions(connection, nil, nil, nil, nil, nil)
            dbus_connection_unref(connection)
        }
        core.executor.detach()
        core.released()
    }

    /// What one look at the connection found, taken under the link lock.
    private struct Intake {
        var messages: [LibDBusMessage] = []
        var connected = true
        /// Set once authentication finished: whether Unix fds can be passed.
        var canPassUnixFDs: Bool?
    }

    private func loop(_ link: LibDBusLink) {
        var pollFDs: [pollfd] = []
        var polledWatches: [OpaquePointer] = []
        var intake = Intake()
        intake.messages.reserveCapacity(16)
        while true {
            core.waker.rearm()
            switch core.phase {
            case .closing:
                core.end(with: ConnectionCore.closedError, streamsThrow: false)
                return
            case .ended: return
            case .starting, .open: break
            }
            let checkFDPassing = !knowsFDPassing
            link.withLock { link in
                guard let connection = link.connection else {
                    intake.connected = false
                    return
                }
                while dbus_connection_get_dispatch_status(connection) == DBUS_DISPATCH_DATA_REMAINS,
                    let pointer = dbus_connection_pop_message(connection)
                {
                    intake.messages.append(LibDBusMessage(adopting: pointer))
                }
                intake.connected = dbus_connection_get_is_connected(connection) != 0
                if checkFDPassing, dbus_connection_get_is_authenticated(connection) != 0 {
                    intake.canPassUnixFDs = dbus_connection_can_send_type(connection, TypeCode.unixFD) != 0
                }
            }
            if let canPass = intake.canPassUnixFDs {
                knowsFDPassing = true
                intake.canPassUnixFDs = nil
                core.canPassUnixFDs.store(canPass, ordering: .relaxed)
            }
            let routed = route(intake.messages)
            intake.messages.removeAll(keepingCapacity: true)
            if !routed || !intake.connected {
                core.end(with: DBusError(.disconnected, message: "the bus connection was lost"), streamsThrow: true)
                return
            }
            // Tasks that prefer this thread, resumed by the replies just routed (or enqueued
            // from elsewhere). What they enqueue in turn runs after the next look at the socket.
            core.executor.runJobs()
            let now = ContinuousClock.now
            var due = core.expireCalls(now: now)

            pollFDs.removeAll(keepingCapacity: true)
            polledWatches.removeAll(keepingCapacity: true)
            pollFDs.append(pollfd(fd: core.waker.readEnd, events: Int16(POLLIN), revents: 0))
            link.withLock { link in
                link.listsChanged = false
                for entry in link.timeouts {
                    if let timeoutDue = entry.due, due.map({ timeoutDue < $0 }) ?? true { due = timeoutDue }
                }
                for watch in link.watches where dbus_watch_get_enabled(watch) != 0 {
                    let flags = dbus_watch_get_flags(watch)
                    var events: Int16 = 0
                    if flags & DBUS_WATCH_READABLE.rawValue != 0 { events |= Int16(POLLIN) }
                    if flags & DBUS_WATCH_WRITABLE.rawValue != 0 { events |= Int16(POLLOUT) }
                    pollFDs.append(pollfd(fd: dbus_watch_get_unix_fd(watch), events: events, revents: 0))
                    polledWatches.append(watch)
                }
            }
            let timeoutMS = core.executor.hasJobs ? 0 : due.map { Self.milliseconds(until: $0, from: now) } ?? -1
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMS)
            if ready < 0 { continue }  // EINTR
            if pollFDs[0].revents != 0 { core.waker.drain() }
            link.withLock { link in
                for (index, watch) in polledWatches.enumerated() {
                    let revents = pollFDs[index + 1].revents
                    // A sender's libdbus call may have removed (and freed) the watch meanwhile.
                    guard revents != 0, link.watches.contains(watch) else { continue }
                    var flags: UInt32 = 0
                    if revents & Int16(POLLIN) != 0 { flags |= DBUS_WATCH_READABLE.rawValue }
                    if revents & Int16(POLLOUT) != 0 { flags |= DBUS_WATCH_WRITABLE.rawValue }
                    if revents & Int16(POLLERR) != 0 { flags |= DBUS_WATCH_ERROR.rawValue }
                    if revents & Int16(POLLHUP) != 0 { flags |= DBUS_WATCH_HANGUP.rawValue }
                    dbus_watch_handle(watch, flags)
                }
                Self.runDueTimeouts(link)
            }
        }
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
        guard deadline > now else { return 0 }
        let (seconds, attoseconds) = (deadline - now).components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    /// Handles the libdbus timeouts that are due. Call with the link lock held.
    private static func runDueTimeouts(_ link: LibDBusLink) {
        let now = ContinuousClock.now
        let dueNow = link.timeouts.compactMap { entry -> OpaquePointer? in
            guard let due = entry.due, due <= now else { return nil }
            return entry.timeout
        }
        for timeout in dueNow {
            guard let index = link.timeouts.firstIndex(where: { $0.timeout == timeout }) else { continue }
            link.timeouts[index].due = now + .milliseconds(Int(dbus_timeout_get_interval(timeout)))
            dbus_timeout_handle(timeout)
        }
    }

    /// Routes received messages in order and drops our references. Returns false once libdbus
    /// reported the disconnect.
    private func route(_ messages: [LibDBusMessage]) -> Bool {
        var connected = true
        for message in messages {
            defer { message.release() }
            guard connected else { continue }
            switch message.libdbusType {
            case DBUS_MESSAGE_TYPE_METHOD_RETURN, DBUS_MESSAGE_TYPE_ERROR:
                core.deliverReply(message)
            case DBUS_MESSAGE_TYPE_SIGNAL:
                if message.isLocalDisconnect {
                    connected = false
                } else {
                    core.deliverSignal(message)
                }
            case DBUS_MESSAGE_TYPE_METHOD_CALL:
                handleMethodCall(message)
            default:
                break
            }
        }
        return connected
    }

    /// Hands a method call to the handler, answering `org.freedesktop.DBus.Peer` itself and
    /// replying `UnknownObject` when there is none, so a caller never waits in vain.
    private func handleMethodCall(_ raw: LibDBusMessage) {
        let call: DBusMessage
        do {
            call = try raw.decode()
        } catch {
            replyError(to: raw, error)
            return
        }
        if call.interface == "org.freedesktop.DBus.Peer" {
            answerPeer(call, raw)
            return
        }
        if let handler = core.methodCallHandler {
            handler(call)
        } else {
            replyError(to: raw, DBusError(.unknownObject, message: "no object at path \(call.path?.rawValue ?? "?")"))
        }
    }

    private func answerPeer(_ call: DBusMessage, _ raw: LibDBusMessage) {
        switch call.member {
        case "Ping":
            sendNow(.methodReturn(replyingTo: call))
        case "GetMachineId":
            var error = CDBus.DBusError()
            dbus_error_init(&error)
            if let id = dbus_try_get_local_machine_id(&error) {
                defer { dbus_free(id) }
                sendNow(.methodReturn(replyingTo: call, body: [.string(String(cString: id))]))
            } else {
                dbus_error_free(&error)
                replyError(to: raw, DBusError(.failed, message: "no machine id"))
            }
        default:
            replyError(to: raw, DBusError(.unknownMethod, message: "no method \(call.member ?? "?") on org.freedesktop.DBus.Peer"))
        }
    }

    /// Sends an error reply to `raw` unless it asked for no reply.
    private func replyError(to raw: LibDBusMessage, _ error: DBusError) {
        guard dbus_message_get_no_reply(raw.pointer) == 0 else { return }
        var reply = DBusMessage(kind: .error, errorName: error.name, replySerial: dbus_message_get_serial(raw.pointer),
                                body: [.string(error.message)])
        if let sender = dbus_message_get_sender(raw.pointer) { reply.destination = String(cString: sender) }
        sendNow(reply)
    }

    private func sendNow(_ message: DBusMessage) {
        guard let raw = try? LibDBusMessage(message, serial: core.nextSerial()) else { return }
        try? core.send(raw)  // fails only when the connection is going away
    }
}

// MARK: libdbus callbacks (run inside libdbus calls made with the link lock held, on any thread)

private func link(_ data: UnsafeMutableRawPointer?) -> LibDBusLink {
    Unmanaged<LibDBusLink>.fromOpaque(data!).takeUnretainedValue()
}

private func addWatch(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) -> dbus_bool_t {
    guard let watch else { return 0 }
    let owner = link(data)
    owner.watches.append(watch)
    owner.listsChanged = true
    return 1
}

private func removeWatch(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    let owner = link(data)
    owner.watches.removeAll { $0 == watch }
    owner.listsChanged = true
}

private func watchToggled(_ watch: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    // The enabled state is read from the watch on every turn of the loop; a sender that toggled
    // one wakes the loop (LibDBusLink.SendResult.sentNeedsLoop).
    link(data).listsChanged = true
}

private func addTimeout(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) -> dbus_bool_t {
    guard let timeout else { return 0 }
    let owner = link(data)
    owner.timeouts.append((timeout, dueTime(timeout)))
    owner.listsChanged = true
    return 1
}

private func removeTimeout(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    let owner = link(data)
    owner.timeouts.removeAll { $0.timeout == timeout }
    owner.listsChanged = true
}

private func timeoutToggled(_ timeout: OpaquePointer?, _ data: UnsafeMutableRawPointer?) {
    let owner = link(data)
    guard let timeout, let index = owner.timeouts.firstIndex(where: { $0.timeout == timeout }) else { return }
    owner.timeouts[index].due = dueTime(timeout)
    owner.listsChanged = true
}

private func dueTime(_ timeout: OpaquePointer) -> ContinuousClock.Instant? {
    guard dbus_timeout_get_enabled(timeout) != 0 else { return nil }
    return .now + .milliseconds(Int(dbus_timeout_get_interval(timeout)))
}
