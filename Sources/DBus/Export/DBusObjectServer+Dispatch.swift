extension DBusObjectServer {
    /// Answers one incoming message. Method calls are routed to the exported method, checked
    /// against its input signature, and answered with its reply or a D-Bus error reply
    /// (`UnknownObject`, `UnknownInterface`, `UnknownMethod`, `InvalidArgs`, or the handler's
    /// error). Calls flagged no-reply-expected run without a reply; other message kinds are
    /// ignored.
    ///
    /// Each handler runs in its own task, started with `Task.immediate`: it runs on the calling
    /// thread (for a server made with ``init(connection:)``, the connection's I/O thread) until
    /// it first suspends, so handlers start in arrival order and one that does not suspend is
    /// answered before `handle` returns, without a thread switch. After a suspension it goes on
    /// in the global concurrent executor, and the reply follows when it finishes. So a handler
    /// must not block the thread (wait on a semaphore, sleep, spin on a lock held across an
    /// await); awaiting is fine for as long as it takes.
    public func handle(_ message: DBusMessage) {
        guard message.kind == .methodCall else { return }
        switch route(message) {
        case .failure(let error):
            reply(to: message, with: .failure(error))
        case .success(let (method, path)):
            let invocation = DBusMethodInvocation(message: message, path: path)
            Task.immediate {
                self.reply(to: message, with: await Self.invoke(method, invocation))
            }
        }
    }

    /// The method a call reaches, or the error to reply with.
    func route(_ message: DBusMessage) -> Result<(DBusExportedMethod, DBusObjectPath), DBusError> {
        guard let path = message.path, let member = message.member else {
            return .failure(DBusError(.malformedMessage, message: "method call without path or member"))
        }
        guard let object = resolve(path) else {
            return .failure(DBusError(.unknownObject, message: "No such object path '\(path)'"))
        }
        let method: DBusExportedMethod
        if let interfaceName = message.interface {
            guard let interface = interface(named: interfaceName, of: object) else {
                return .failure(
                    DBusError(
                        object.isObject ? .unknownInterface : .unknownObject,
                        message: object.isObject
                            ? "No such interface '\(interfaceName)' at object path '\(path)'"
                            : "No such object path '\(path)'"))
            }
            guard let found = interface.method(named: member) else {
                return .failure(
                    DBusError(.unknownMethod, message: "No such method '\(member)' in interface '\(interfaceName)'"))
            }
            method = found
        } else {
            // The spec leaves an ambiguous interface-less call to the implementation: prefer the
            // first method whose signature fits, else the first with that name.
            let candidates = interfaces(of: object).compactMap { $0.method(named: member) }
            let fitting = candidates.first { DBusExportedMethod.values(message.body, match: $0.inputs) }
            guard let found = fitting ?? candidates.first else {
                return .failure(DBusError(.unknownMethod, message: "No such method '\(member)' at object path '\(path)'"))
            }
            method = found
        }
        guard DBusExportedMethod.values(message.body, match: method.inputs) else {
            return .failure(
                DBusError(
                    .invalidArguments,
                    message: "Method '\(member)' takes signature '\(method.inputSignature)', got '\(message.signature)'"))
        }
        return .success((method, path))
    }

    /// Runs `method`'s handler and checks the body it returns.
    static func invoke(_ method: DBusExportedMethod, _ invocation: DBusMethodInvocation) async -> Result<[DBusValue], DBusError> {
        do throws(DBusError) {
            let body = try await method.handler(invocation)
            guard DBusExportedMethod.values(body, match: method.outputs) else {
                let signature = DBusSignature(body.map(\.type))
                return .failure(
                    DBusError(
                        .failed,
                        message: "Method '\(method.name)' returned signature '\(signature)', declared '\(method.outputSignature)'"))
            }
            return .success(body)
        } catch {
            return .failure(error)
        }
    }

    /// Sends the reply to `call` unless the caller asked for none. A failed send is dropped: the
    /// connection reports its own loss, and the caller's call times out.
    func reply(to call: DBusMessage, with result: Result<[DBusValue], DBusError>) {
        guard !call.noReplyExpected else { return }
        let reply: DBusMessage
        switch result {
        case .success(let body): reply = .methodReturn(replyingTo: call, body: body)
        case .failure(let error): reply = .errorReply(replyingTo: call, error: error)
        }
        try? sendMessage(reply)
    }
}
