import DBus

extension SimulatorCore {
    /// `/org/bluez`: AgentManager1 and ProfileManager1. Agents are remembered (bluetoothctl
    /// registers one at start) but never called: pairing is Just Works in the simulation.
    func bluezRootInterfaces() -> [DBusExportedInterface] {
        let capabilities: Set<String> = ["", "DisplayOnly", "DisplayYesNo", "KeyboardOnly", "NoInputNoOutput", "KeyboardDisplay"]
        let agentManager = DBusExportedInterface(
            "org.bluez.AgentManager1",
            methods: [
                DBusExportedMethod("RegisterAgent", inputs: [.init("agent", .objectPath), .init("capability", .string)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let self, let path = invocation.arguments[0].objectPath, let capability = invocation.arguments[1].string,
                        capabilities.contains(capability)
                    else { throw ErrorReply.invalidArguments() }
                    let registration = Registration(owner: invocation.sender ?? "", path: path)
                    let added = state.withLock { state in
                        state.agents.contains { $0.owner == registration.owner } ? false : state.agents.insert(registration).inserted
                    }
                    guard added else { throw ErrorReply.alreadyExists() }
                    return []
                },
                DBusExportedMethod("UnregisterAgent", inputs: [.init("agent", .objectPath)]) { [weak self] invocation throws(DBusError) in
                    guard let self, let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    let registration = Registration(owner: invocation.sender ?? "", path: path)
                    guard state.withLock({ $0.agents.remove(registration) }) != nil else {
                        throw ErrorReply.doesNotExist()
                    }
                    return []
                },
                DBusExportedMethod("RequestDefaultAgent", inputs: [.init("agent", .objectPath)]) { [weak self] invocation throws(DBusError) in
                    guard let self, let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    let registration = Registration(owner: invocation.sender ?? "", path: path)
                    guard state.withLock({ $0.agents.contains(registration) }) else { throw ErrorReply.doesNotExist() }
                    return []
                },
            ])
        let profileManager = DBusExportedInterface(
            "org.bluez.ProfileManager1",
            methods: [
                DBusExportedMethod("RegisterProfile", inputs: [.init("profile", .objectPath), .init("UUID", .string), .init("options", .dictionary(key: .string, value: .variant))]) { _ in [] },
                DBusExportedMethod("UnregisterProfile", inputs: [.init("profile", .objectPath)]) { _ in [] },
            ])
        return [agentManager, profileManager]
    }
}
