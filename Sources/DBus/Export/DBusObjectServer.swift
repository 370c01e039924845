import Synchronization

/// Serves exported objects: turns incoming method calls into replies and emits signals.
///
/// The server is sans-I/O: it receives calls through `handle(_:)` and sends replies and signals
/// through the `send` closure it was made with, so it can be driven by a `DBusConnection` or by
/// tests that feed messages and capture what comes out. It answers
/// `org.freedesktop.DBus.Introspectable`, `org.freedesktop.DBus.Properties` on every object and
/// `org.freedesktop.DBus.ObjectManager` at the roots added with `addObjectManager(at:)`.
///
/// Sendable; every method may be called from any thread or task, including from handlers,
/// getters and setters (no user code runs under the server's lock).
public final class DBusObjectServer: Sendable {
    /// Delivers one outgoing message (a reply or a signal).
    public typealias Send = @Sendable (DBusMessage) throws(DBusError) -> Void

    let sendMessage: Send
    let registry = Mutex(ObjectRegistry())

    /// A server that sends its replies and signals through `send`.
    public init(send: @escaping Send) {
        self.sendMessage = send
    }

    // MARK: Objects

    /// Exports `interfaces` on the object at `path`, creating the object if needed. Below an
    /// object manager this emits `InterfacesAdded`.
    ///
    /// Throws `.invalidArguments` if an interface is already exported there, is named twice, or
    /// is one of the standard interfaces the server provides itself.
    public func register(_ interfaces: [DBusExportedInterface], at path: DBusObjectPath) throws(DBusError) {
        let names = interfaces.map(\.name)
        if let reserved = names.first(where: StandardInterfaceName.provided.contains) {
            throw DBusError(.invalidArguments, message: "'\(reserved)' is provided by the object server")
        }
        guard Set(names).count == names.count else {
            throw DBusError(.invalidArguments, message: "an interface is listed twice for \(path)")
        }
        let (isNewObject, manager) = try registry.withLock { (registry) throws(DBusError) in
            let existing = registry.objects[path] ?? []
            if let clash = existing.first(where: { names.contains($0.name) }) {
                throw DBusError(.invalidArguments, message: "'\(clash.name)' is already exported at \(path)")
            }
            registry.objects[path] = existing + interfaces
            return (existing.isEmpty, registry.manager(above: path))
        }
        guard let manager else { return }
        var added = isNewObject ? standardInterfaces(for: path, isManager: isObjectManager(path)) : []
        added += interfaces
        try emitInterfacesAdded(path: path, interfaces: added, manager: manager)
    }

    /// Stops exporting the interface `name` at `path`; the object goes away with its last
    /// interface. Below an object manager this emits `InterfacesRemoved`.
    public func unregisterInterface(named name: String, at path: DBusObjectPath) throws(DBusError) {
        let (removedObject, manager) = try registry.withLock { (registry) throws(DBusError) in
            guard var interfaces = registry.objects[path], interfaces.contains(where: { $0.name == name }) else {
                throw DBusError(.unknownInterface, message: "'\(name)' is not exported at \(path)")
            }
            interfaces.removeAll { $0.name == name }
            registry.objects[path] = interfaces.isEmpty ? nil : interfaces
            return (interfaces.isEmpty, registry.manager(above: path))
        }
        guard let manager else { return }
        var removed = removedObject ? standardInterfaceNames(for: path) : []
        removed.append(name)
        try emitInterfacesRemoved(path: path, names: removed, manager: manager)
    }

    /// Removes the object at `path` with all its interfaces. Below an object manager this emits
    /// `InterfacesRemoved`.
    public func unregisterObject(at path: DBusObjectPath) throws(DBusError) {
        let (interfaces, manager) = try registry.withLock { (registry) throws(DBusError) in
            guard let interfaces = registry.objects.removeValue(forKey: path) else {
                throw DBusError(.unknownObject, message: "no object is exported at \(path)")
            }
            return (interfaces, registry.manager(above: path))
        }
        guard let manager else { return }
        let names = standardInterfaceNames(for: path) + interfaces.map(\.name)
        try emitInterfacesRemoved(path: path, names: names, manager: manager)
    }

    /// Serves every path at or below `root` with `subtree`, except paths with a registered object.
    /// A deeper subtree root takes precedence over a shallower one.
    public func registerSubtree(_ subtree: DBusSubtree, at root: DBusObjectPath) throws(DBusError) {
        try registry.withLock { (registry) throws(DBusError) in
            guard registry.subtrees[root] == nil else {
                throw DBusError(.invalidArguments, message: "a subtree is already registered at \(root)")
            }
            registry.subtrees[root] = subtree
        }
    }

    /// Removes the subtree registered at `root`.
    public func unregisterSubtree(at root: DBusObjectPath) throws(DBusError) {
        try registry.withLock { (registry) throws(DBusError) in
            guard registry.subtrees.removeValue(forKey: root) != nil else {
                throw DBusError(.unknownObject, message: "no subtree is registered at \(root)")
            }
        }
    }

    /// Implements `org.freedesktop.DBus.ObjectManager` at `root` for the objects registered below it.
    public func addObjectManager(at root: DBusObjectPath) {
        _ = registry.withLock { $0.managers.insert(root) }
    }

    /// Stops implementing `org.freedesktop.DBus.ObjectManager` at `root`.
    public func removeObjectManager(at root: DBusObjectPath) {
        _ = registry.withLock { $0.managers.remove(root) }
    }

    /// The paths of the registered objects (not subtrees), sorted.
    public var registeredPaths: [DBusObjectPath] {
        registry.withLock { $0.objects.keys.sorted() }
    }

    // MARK: Signals

    /// Emits the signal `name` of `interface` from the object at `path`.
    ///
    /// Throws `.unknownInterface` if the object does not export `interface`, `.invalidArguments`
    /// if the interface does not declare the signal or `body` does not match its signature, and
    /// whatever `send` throws.
    public func emitSignal(
        _ name: String, interface: String, at path: DBusObjectPath, body: [DBusValue] = [],
        destination: String? = nil
    ) throws(DBusError) {
        guard let object = resolve(path), let exported = self.interface(named: interface, of: object) else {
            throw DBusError(.unknownInterface, message: "'\(interface)' is not exported at \(path)")
        }
        guard let signal = exported.signal(named: name) else {
            throw DBusError(.invalidArguments, message: "'\(interface)' declares no signal '\(name)'")
        }
        let signature = DBusSignature(body.map(\.type))
        guard signature == signal.signature else {
            throw DBusError(
                .invalidArguments,
                message: "signal '\(name)' has signature '\(signal.signature)', body has '\(signature)'")
        }
        try sendMessage(.signal(path: path, interface: interface, member: name, destination: destination, body: body))
    }

    func isObjectManager(_ path: DBusObjectPath) -> Bool {
        registry.withLock { $0.managers.contains(path) }
    }
}
