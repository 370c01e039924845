/// What the object server has registered: plain objects, subtrees and object-manager roots.
/// Guarded by the server's lock; holds no user code that it runs itself.
struct ObjectRegistry: Sendable {
    /// Interfaces of each registered object, in registration order.
    var objects: [DBusObjectPath: [DBusExportedInterface]] = [:]
    /// Subtree handlers by root.
    var subtrees: [DBusObjectPath: DBusSubtree] = [:]
    /// Paths that implement `org.freedesktop.DBus.ObjectManager`.
    var managers: Set<DBusObjectPath> = []

    /// What is known about one path without running user code.
    struct Lookup: Sendable {
        var interfaces: [DBusExportedInterface]?
        var subtree: DBusSubtree?
        var isManager: Bool
    }

    func lookup(_ path: DBusObjectPath) -> Lookup {
        Lookup(interfaces: objects[path], subtree: subtree(containing: path), isManager: managers.contains(path))
    }

    /// The subtree with the deepest root at or above `path`.
    func subtree(containing path: DBusObjectPath) -> DBusSubtree? {
        var best: (root: DBusObjectPath, subtree: DBusSubtree)?
        for (root, subtree) in subtrees where path.isDescendant(of: root) {
            if best == nil || root.rawValue.count > best!.root.rawValue.count {
                best = (root, subtree)
            }
        }
        return best?.subtree
    }

    /// The nearest object manager strictly above `path`.
    func manager(above path: DBusObjectPath) -> DBusObjectPath? {
        managers
            .filter { $0 != path && path.isDescendant(of: $0) }
            .max { $0.rawValue.count < $1.rawValue.count }
    }

    /// Names of the nodes directly below `path` that registered paths pass through.
    func staticChildren(of path: DBusObjectPath) -> [String] {
        var names = Set<String>()
        let prefix = path.rawValue == "/" ? "/" : path.rawValue + "/"
        func visit(_ candidate: DBusObjectPath) {
            guard candidate != path, candidate.rawValue.hasPrefix(prefix) else { return }
            let rest = candidate.rawValue.dropFirst(prefix.count)
            names.insert(String(rest.prefix { $0 != "/" }))
        }
        objects.keys.forEach(visit)
        subtrees.keys.forEach(visit)
        managers.forEach(visit)
        return names.sorted()
    }

    /// The registered objects a manager at `root` reports: strictly below it, and not below a
    /// nearer manager.
    func managedObjects(by root: DBusObjectPath) -> [(DBusObjectPath, [DBusExportedInterface])] {
        objects
            .filter { path, _ in manager(above: path) == root }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
    }
}
