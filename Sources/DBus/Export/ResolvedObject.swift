/// An object as a call sees it: every interface it answers (standard ones first) and the child
/// nodes below it. An intermediate node, which only has registered paths below it, answers
/// Introspect alone.
struct ResolvedObject: Sendable {
    let path: DBusObjectPath
    let interfaces: [DBusExportedInterface]
    let children: [String]
    /// False for an intermediate node.
    let isObject: Bool

    func interface(named name: String) -> DBusExportedInterface? {
        interfaces.first { $0.name == name }
    }

    /// The interfaces the owner exported, without the standard ones.
    var userInterfaces: [DBusExportedInterface] {
        interfaces.filter { !StandardInterfaceName.provided.contains($0.name) }
    }
}

extension DBusObjectServer {
    /// What lives at `path`, or `nil` when nothing does. Subtree handlers run here, outside the lock.
    func resolve(_ path: DBusObjectPath) -> ResolvedObject? {
        let lookup = registry.withLock { $0.lookup(path) }
        let exported = lookup.interfaces ?? lookup.subtree?.interfaces(path)
        var children = lookup.staticChildren
        if let subtree = lookup.subtree {
            children = Array(Set(children).union(subtree.children(path))).sorted()
        }
        guard exported != nil || lookup.isManager else {
            guard !children.isEmpty else { return nil }
            return ResolvedObject(path: path, interfaces: [introspectableInterface], children: children, isObject: false)
        }
        return ResolvedObject(
            path: path,
            interfaces: standardInterfaces(for: path, isManager: lookup.isManager) + (exported ?? []),
            children: children,
            isObject: true)
    }
}
