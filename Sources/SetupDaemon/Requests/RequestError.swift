/// A request refused before anything was queued: `io.smartsetup1.Error.InvalidArguments` with
/// "KEY: rule". Never holds a secret.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending key (`""` when the request as a whole is wrong).
    public var key: String
    /// The rule it breaks, for a person.
    public var rule: String

    /// A refusal of `key` for breaking `rule`.
    public init(_ key: String, _ rule: String) {
        self.key = key
        self.rule = rule
    }

    /// "KEY: rule".
    public var description: String { key.isEmpty ? rule : "\(key): \(rule)" }
}
