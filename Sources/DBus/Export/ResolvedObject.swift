/// An object as a call sees it: the interfaces its owner exported, whether it is an object
/// manager root, and whether it exists at all (an intermediate node, which only has registered
/// paths below it, answers Introspect alone).
struct ResolvedObject: Sendable {
    let path: DBusObjectPath
    /// The owner's interfaces, without the standard ones.
    let userInterfaces: [DBusExportedInterface]
    let isManager: Bool
    /// False for an intermediate node.
    let isObject: Bool
    /// Where the child nodes of `path` come from.
    let subtree: DBusSubtree?
}

extension DBusObjectServer {
    /// What lives at `path`, or `nil` when nothing does. Subtree handlers run here, outside the lock.
    func resolve(_ path: DBusObjectPath) -> ResolvedObject? {
        let lookup = registry.withLock { $0.lookup(path) }
        if let exported = lookup.interfaces ?? lookup.subtree?.interfaces(path) {
            return ResolvedObject(
                path: path, userInterfaces: exported, isManager: lookup.isManager, isObject: true,
                subtree: lookup.subtree)
        }
        if lookup.isManager {
            return ResolvedObject(path: path, userInterfaces: [], isManager: true, isObject: true, subtree: lookup.subtree)
        }
        let intermediate = ResolvedObject(
            path: path, userInterfaces: [], isManager: false, isObject: false, subtree: lookup.subtree)
        return children(of: intermediate).isEmpty ? nil : intermediate
    }

    /// Every interface `object` answers, standard ones first.
    func interfaces(of object: ResolvedObject) -> [DBusExportedInterface] {
        guard object.isObject else { return [introspectableInterface] }
        return standardInterfaces(for: object.path, isManager: object.isManager) + object.userInterfaces
    }

    /// The interface `name` of `object`, standard or exported.
    func interface(named name: String, of object: ResolvedObject) -> DBusExportedInterface? {
        if StandardInterfaceName.provided.contains(name) {
            return interfaces(of: object).first { $0.name == name }
        }
        return object.userInterfaces.first { $0.name == name }
    }

    /// The names of the nodes directly below `object`: registered paths and subtree children.
    func children(of object: ResolvedObject) -> [String] {
        let registered = registry.withLock { $0.staticChildren(of: object.path) }
        guard let subtree = object.subtree else { return registered }
        return Array(Set(registered).union(subtree.children(object.path))).sorted()
    }
}
