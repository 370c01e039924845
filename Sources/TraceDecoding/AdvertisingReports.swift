import SetupProtocol

/// Advertising data in HCI traffic: the LE Advertising Reports a central's controller receives and
/// the LE Set (Extended) Advertising Data commands a printer's host sends (Bluetooth Core Vol 4
/// Part E §7.7.65.2, §7.7.65.13, §7.8.7, §7.8.54), and our manufacturer data in them (SPEC §4).
enum AdvertisingReports {
    /// The reports of an LE Meta event's parameters: address (as on the wire) and AD structures.
    static func reports(in parameters: ArraySlice<UInt8>) -> [(address: [UInt8], data: [UInt8])] {
        guard let subevent = parameters.first, parameters.count >= 2 else { return [] }
        let count = Int(parameters[parameters.startIndex + 1])
        var at = parameters.startIndex + 2
        var found: [(address: [UInt8], data: [UInt8])] = []
        for _ in 0..<count {
            switch subevent {
            case 0x02:
                // event type (1), address type (1), address (6), length (1), data, RSSI (1)
                guard parameters.endIndex - at >= 9 else { return found }
                let length = Int(parameters[at + 8])
                guard parameters.endIndex - (at + 9) >= length + 1 else { return found }
                found.append((Array(parameters[(at + 2)..<(at + 8)]), Array(parameters[(at + 9)..<(at + 9 + length)])))
                at += 9 + length + 1
            case 0x0D:
                // event type (2), address type (1), address (6), PHYs (2), SID, Tx power, RSSI,
                // interval (2), direct address type (1), direct address (6), length (1), data
                guard parameters.endIndex - at >= 24 else { return found }
                let length = Int(parameters[at + 23])
                guard parameters.endIndex - (at + 24) >= length else { return found }
                found.append((Array(parameters[(at + 3)..<(at + 9)]), Array(parameters[(at + 24)..<(at + 24 + length)])))
                at += 24 + length
            default:
                return found
            }
        }
        return found
    }

    /// The AD structures of an LE Set Advertising Data or LE Set Extended Advertising Data command.
    static func advertisingDataCommand(_ packet: ArraySlice<UInt8>) -> [UInt8]? {
        guard let opcode = ByteReader.u16le(packet, 0), packet.count >= 3 else { return nil }
        let parameters = packet.dropFirst(3)
        switch opcode {
        case 0x2008:
            guard let length = parameters.first, parameters.count >= 1 + Int(length) else { return nil }
            return Array(parameters.dropFirst().prefix(Int(length)))
        case 0x2037:
            guard parameters.count >= 4 else { return nil }
            let length = Int(parameters[parameters.startIndex + 3])
            guard parameters.count >= 4 + length else { return nil }
            return Array(parameters.dropFirst(4).prefix(length))
        default:
            return nil
        }
    }

    /// Our manufacturer data (company id and payload) when the AD structures also list our service UUID.
    static func setupPayload(in data: [UInt8]) -> (company: UInt16, bytes: [UInt8])? {
        var at = 0
        var hasService = false
        var manufacturer: (company: UInt16, bytes: [UInt8])?
        let service = SetupGATT.serviceUUID.littleEndianOctets
        while at < data.count {
            let length = Int(data[at])
            guard length > 0, at + 1 + length <= data.count else { break }
            let type = data[at + 1]
            let value = Array(data[(at + 2)..<(at + 1 + length)])
            if type == 0x06 || type == 0x07 {
                var index = 0
                while index + 16 <= value.count {
                    if Array(value[index..<(index + 16)]) == service { hasService = true }
                    index += 16
                }
            }
            if type == 0xFF, value.count >= 2 {
                manufacturer = (UInt16(value[0]) | UInt16(value[1]) << 8, Array(value.dropFirst(2)))
            }
            at += 1 + length
        }
        return hasService ? manufacturer : nil
    }
}
