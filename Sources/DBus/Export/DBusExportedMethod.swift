/// A method of an exported interface: its name, typed in and out arguments, and an async
/// handler that returns the reply body or throws the `DBusError` to reply with.
///
/// The object server checks the call's signature against `inputs` before the handler runs and
/// the returned body against `outputs` before replying. The handler may take as long as it
/// needs: the reply is sent when it returns. It starts on the thread that delivered the call
/// (see ``DBusObjectServer/handle(_:)``), so it must await rather than block.
public struct DBusExportedMethod: Sendable {
    /// Runs one call and returns the reply body.
    public typealias Handler = @Sendable (DBusMethodInvocation) async throws(DBusError) -> [DBusValue]

    /// The member name, e.g. `Echo`.
    public var name: String
    /// The arguments the call must carry, in order.
    public var inputs: [DBusArgument]
    /// The arguments the reply carries, in order.
    public var outputs: [DBusArgument]
    /// Introspection annotations, e.g. `.deprecated`.
    public var annotations: [DBusAnnotation]
    /// The code that answers the call.
    public var handler: Handler

    /// A method `name` taking `inputs`, replying with `outputs`, answered by `handler`.
    public init(
        _ name: String,
        inputs: [DBusArgument] = [],
        outputs: [DBusArgument] = [],
        annotations: [DBusAnnotation] = [],
        handler: @escaping Handler
    ) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.annotations = annotations
        self.handler = handler
    }

    /// The signature a call must have.
    public var inputSignature: DBusSignature { DBusSignature(inputs.map(\.type)) }

    /// True when `values` have exactly the types of `arguments`: the same test as comparing
    /// their signatures (a signature spells one list of types), without building the strings.
    static func values(_ values: [DBusValue], match arguments: [DBusArgument]) -> Bool {
        guard values.count == arguments.count else { return false }
        for (value, argument) in zip(values, arguments) where value.type != argument.type {
            return false
        }
        return true
    }
    /// The signature of the reply.
    public var outputSignature: DBusSignature { DBusSignature(outputs.map(\.type)) }
}
