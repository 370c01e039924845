import CDBus
import Synchronization

/// The libdbus connection of one ``DBusConnection`` and the watch and timeout lists libdbus
/// keeps through its callbacks.
///
/// Every libdbus call on the connection is made inside ``withLock(_:)``: by the I/O thread
/// (reading, popping messages, timeouts, closing) and by any thread that sends a message. The
/// watch and timeout callbacks run inside those calls, on the thread that holds the lock, so
/// every mutable field here is only touched with `lock` held. (libdbus has its own locks; ours
/// also guards our lists and makes "the connection is still open" a stable fact for a sender.)
final class LibDBusLink: @unchecked Sendable {
    private let lock = Mutex(())

    /// The open connection; nil before it is opened and once it is closed. Guarded by `lock`.
    var connection: OpaquePointer?
    /// libdbus watches (`DBusWatch*`). Guarded by `lock`.
    var watches: [OpaquePointer] = []
    /// libdbus timeouts (`DBusTimeout*`) and when each is due (nil while disabled). Guarded by `lock`.
    var timeouts: [(timeout: OpaquePointer, due: ContinuousClock.Instant?)] = []
    /// Set by the watch and timeout callbacks, cleared by the I/O thread when it builds its poll
    /// set: when a sender's libdbus call changed them, the loop must look again. Guarded by `lock`.
    var listsChanged = false

    /// Runs `body` with the lock held. `body` may call libdbus on ``connection`` and read or
    /// change the fields; it must not call back into `withLock` (the lock is not recursive).
    func withLock<Result: Sendable, Failure: Error>(
        _ body: (LibDBusLink) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try lock.withLock { (_) throws(Failure) -> Result in try body(self) }
    }

    /// What a direct send left for the I/O thread to do.
    enum SendResult {
        /// Written (or queued by libdbus with nothing more for the loop to do).
        case sent
        /// Sent, but the I/O thread must wake: libdbus still holds bytes to write (it must poll
        /// for writability), changed its watches or timeouts, or saw the socket go away.
        case sentNeedsLoop
        case failed(DBusError)
    }

    /// Sends `message` on the connection from the calling thread and drops our reference.
    func send(_ message: LibDBusMessage) -> SendResult {
        defer { message.release() }
        return withLock { link -> SendResult in
            guard let connection = link.connection else { return .failed(ConnectionCore.closedError) }
            if dbus_message_contains_unix_fds(message.pointer) != 0,
                dbus_connection_can_send_type(connection, TypeCode.unixFD) == 0
            {
                return .failed(DBusError(.invalidArguments, message: "this connection cannot pass Unix fds"))
            }
            guard dbus_connection_send(connection, message.pointer, nil) != 0 else { return .failed(.outOfMemory) }
            if link.listsChanged || dbus_connection_has_messages_to_send(connection) != 0
                || dbus_connection_get_is_connected(connection) == 0
            {
                return .sentNeedsLoop
            }
            return .sent
        }
    }
}
