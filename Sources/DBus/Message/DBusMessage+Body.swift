extension DBusMessage {
    /// The body, after checking that its signature is `signature`; throws `.typeMismatch`
    /// naming both signatures otherwise. `let [objects] = try reply.body(matching: "a{oa{sa{sv}}}")`
    /// style decoding starts here.
    public func body(matching signature: String) throws(DBusError) -> [DBusValue] {
        let found = self.signature.rawValue
        guard found == signature else { throw .typeMismatch(expected: signature, found: found) }
        return body
    }
}
