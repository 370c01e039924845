extension DBusObjectServer {
    /// A server that exports objects on `connection`: it becomes the connection's method-call
    /// handler (replacing any other) and sends its replies and signals there.
    ///
    /// The connection keeps the server alive through its handler; the server holds the
    /// connection weakly, so keep the connection yourself. Sending after the connection is gone
    /// throws `.disconnected`.
    public convenience init(connection: DBusConnection) {
        self.init { [weak connection] (message) throws(DBusError) in
            guard let connection else {
                throw DBusError(.disconnected, message: "the connection is gone")
            }
            try connection.send(message)
        }
        connection.setMethodCallHandler { [self] message in
            self.handle(message)
        }
    }
}
