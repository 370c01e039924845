/// Names of the validated fields, for ``ProtocolError/Kind/invalidField(_:)``.
///
/// An error names the field, never its value, so a passphrase cannot leak through an error.
public enum ProtocolField: String, Hashable, Sendable, CaseIterable {
    case version, sessionID, clientID, share, confirmation, printerNonce
    case ssid, security, passphrase, psk, hidden, staticIPv4, hostname, disableWPS
    case joinStage, joinReason, ipv4Address
    case rssi, channel, band, network
    case model, serial, firmware, macAddress
    case identifyAction, errorCode, requestType
    case shortID, deviceClass, authMethod, flags
}
