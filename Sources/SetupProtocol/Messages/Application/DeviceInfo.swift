/// What the printer tells an authenticated client about itself (SPEC §8.2).
public struct DeviceInfo: Hashable, Sendable {
    /// The model name, 1-64 octets of UTF-8.
    public var model: String
    /// The serial number, 1-64 octets of UTF-8.
    public var serial: String
    /// The firmware version, 1-64 octets of UTF-8.
    public var firmware: String
    /// The Wi-Fi MAC address, six octets.
    public var macAddress: [UInt8]

    /// Creates device info; each text is 1-64 octets of UTF-8, the MAC six octets.
    public init(model: String, serial: String, firmware: String, macAddress: [UInt8]) throws(ProtocolError) {
        guard (1...64).contains(model.utf8.count) else { throw .invalid(.model, "must be 1 to 64 octets of UTF-8") }
        guard (1...64).contains(serial.utf8.count) else { throw .invalid(.serial, "must be 1 to 64 octets of UTF-8") }
        guard (1...64).contains(firmware.utf8.count) else { throw .invalid(.firmware, "must be 1 to 64 octets of UTF-8") }
        guard macAddress.count == 6 else { throw .invalid(.macAddress, "must be 6 octets") }
        self.model = model
        self.serial = serial
        self.firmware = firmware
        self.macAddress = macAddress
    }

    enum Field {
        static let model: UInt8 = 1, serial: UInt8 = 2, firmware: UInt8 = 3, mac: UInt8 = 4
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        try writer.append(Field.model, critical: true, Array(model.utf8))
        try writer.append(Field.serial, critical: true, Array(serial.utf8))
        try writer.append(Field.firmware, critical: true, Array(firmware.utf8))
        try writer.append(Field.mac, critical: true, macAddress)
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> DeviceInfo {
        let fields = try TLVFields(decoding: body, known: [1, 2, 3, 4])
        return try DeviceInfo(
            model: try utf8(fields.required(Field.model), .model),
            serial: try utf8(fields.required(Field.serial), .serial),
            firmware: try utf8(fields.required(Field.firmware), .firmware),
            macAddress: try fields.required(Field.mac))
    }
}

func utf8(_ value: [UInt8], _ field: ProtocolField) throws(ProtocolError) -> String {
    guard let string = String(validating: value, as: UTF8.self) else { throw .invalid(field, "must be UTF-8") }
    return string
}
