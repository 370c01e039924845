import DBus

extension SimulatorCore {
    func gattManagerInterface(_ index: Int) -> DBusExportedInterface {
        let options = DBusType.dictionary(key: .string, value: .variant)
        return DBusExportedInterface(
            Self.gattManagerInterface,
            methods: [
                DBusExportedMethod("RegisterApplication", inputs: [.init("application", .objectPath), .init("options", options)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    try await self?.registerApplication(index, Registration(owner: invocation.sender ?? "", path: path))
                    return []
                },
                DBusExportedMethod("UnregisterApplication", inputs: [.init("application", .objectPath)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    try self?.unregisterApplication(index, Registration(owner: invocation.sender ?? "", path: path))
                    return []
                },
            ])
    }

    /// RegisterApplication: reads the application's objects with GetManagedObjects and adds
    /// them to the adapter's database; the adapter's UUIDs gain its primary services.
    func registerApplication(_ index: Int, _ registration: Registration) async throws(DBusError) {
        let exists = try state.withLock { (state) throws(DBusError) -> Bool in
            guard let adapter = state.adapters[index] else { throw ErrorReply.notReady() }
            return adapter.applications.contains { $0.owner == registration.owner && $0.root == registration.path }
        }
        guard !exists else { throw ErrorReply.alreadyExists() }
        let objects: [DBusObjectPath: [String: [String: DBusValue]]]
        do throws(DBusError) {
            let reply = try await callClient(
                registration.owner, path: registration.path, interface: "org.freedesktop.DBus.ObjectManager", member: "GetManagedObjects")
            guard let managed = try? reply.first?.managedObjects() else { throw ErrorReply.failed("No object received") }
            objects = managed
        } catch {
            throw ErrorReply.failed("No object received")
        }
        let application = try RegisteredApplication(owner: registration.owner, root: registration.path, objects: objects)
        try state.withLock { (state) throws(DBusError) in
            guard state.adapters[index] != nil else { throw ErrorReply.notReady() }
            if state.adapters[index]?.applications.contains(where: { $0.owner == registration.owner && $0.root == registration.path }) == true {
                throw ErrorReply.alreadyExists()
            }
            state.adapters[index]?.applications.append(application)
        }
        changed(["UUIDs"], Self.adapterInterface, at: try BlueZPath.adapter(index))
    }

    func unregisterApplication(_ index: Int, _ registration: Registration) throws(DBusError) {
        let removed = state.withLock { state -> Bool in
            guard let position = state.adapters[index]?.applications.firstIndex(where: { $0.owner == registration.owner && $0.root == registration.path }) else {
                return false
            }
            state.adapters[index]?.applications.remove(at: position)
            return true
        }
        guard removed else { throw ErrorReply.doesNotExist() }
        changed(["UUIDs"], Self.adapterInterface, at: try BlueZPath.adapter(index))
    }
}
