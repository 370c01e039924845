/// A property of an exported interface, served through `org.freedesktop.DBus.Properties`.
///
/// A property with a getter is readable, one with a setter writable. Getters and setters receive
/// the object path, so one interface value can serve many objects (see `DBusSubtree`). A getter
/// that throws hides the property from `GetAll`, `GetManagedObjects` and `InterfacesAdded`
/// (BlueZ's "exists" semantics) and makes `Get` fail with the thrown error.
public struct DBusExportedProperty: Sendable {
    /// Reads the current value at a path. Must be cheap and must not block.
    public typealias Getter = @Sendable (DBusObjectPath) throws(DBusError) -> DBusValue
    /// Applies a new value, already type-checked, at a path.
    public typealias Setter = @Sendable (DBusObjectPath, DBusValue) async throws(DBusError) -> Void

    /// Whether a property can be read, written, or both (introspection's `access`).
    public enum Access: String, Sendable, Hashable {
        case read
        case write
        case readWrite = "readwrite"
    }

    /// What `PropertiesChanged` carries when the property changes
    /// (the `org.freedesktop.DBus.Property.EmitsChangedSignal` annotation).
    public enum EmitsChanged: String, Sendable, Hashable {
        /// The new value is sent (annotation value `true`, the default).
        case withValue = "true"
        /// Only the name is sent, in the invalidated list (`invalidates`).
        case invalidates
        /// The value never changes (`const`); no signal.
        case constant = "const"
        /// No signal is sent (`false`).
        case never = "false"
    }

    /// The property name, e.g. `Powered`.
    public var name: String
    /// The property's complete type.
    public var type: DBusType
    /// What a change emits.
    public var emitsChanged: EmitsChanged
    /// Introspection annotations besides `EmitsChangedSignal`, which is derived from `emitsChanged`.
    public var annotations: [DBusAnnotation]
    /// Reads the value; `nil` makes the property write-only.
    public var getter: Getter?
    /// Writes the value; `nil` makes the property read-only.
    public var setter: Setter?

    /// A property `name` of type `type`, readable through `get` and, when `set` is given, writable.
    public init(
        _ name: String,
        type: DBusType,
        emitsChanged: EmitsChanged = .withValue,
        annotations: [DBusAnnotation] = [],
        get: Getter?,
        set: Setter? = nil
    ) {
        self.name = name
        self.type = type
        self.emitsChanged = emitsChanged
        self.annotations = annotations
        self.getter = get
        self.setter = set
    }

    /// Read, write or both, from which of getter and setter exist.
    public var access: Access {
        switch (getter != nil, setter != nil) {
        case (true, true): .readWrite
        case (false, true): .write
        default: .read
        }
    }
}
