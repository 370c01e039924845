/// An interface an object exports: its name, methods, properties and signals.
///
/// A plain value: build it once and register it at one or more paths. Member names must be
/// unique within their kind.
public struct DBusExportedInterface: Sendable {
    /// The interface name, e.g. `org.example.Echo1`.
    public var name: String
    /// Methods, by name.
    public var methods: [DBusExportedMethod]
    /// Properties, by name.
    public var properties: [DBusExportedProperty]
    /// Signals the interface declares.
    public var signals: [DBusExportedSignal]
    /// Interface-level introspection annotations.
    public var annotations: [DBusAnnotation]

    /// An interface `name` with its members.
    public init(
        _ name: String,
        methods: [DBusExportedMethod] = [],
        properties: [DBusExportedProperty] = [],
        signals: [DBusExportedSignal] = [],
        annotations: [DBusAnnotation] = []
    ) {
        self.name = name
        self.methods = methods
        self.properties = properties
        self.signals = signals
        self.annotations = annotations
    }

    /// The method named `name`, if any.
    public func method(named name: String) -> DBusExportedMethod? {
        methods.first { $0.name == name }
    }

    /// The property named `name`, if any.
    public func property(named name: String) -> DBusExportedProperty? {
        properties.first { $0.name == name }
    }

    /// The signal named `name`, if any.
    public func signal(named name: String) -> DBusExportedSignal? {
        signals.first { $0.name == name }
    }
}
