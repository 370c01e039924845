import DBus

/// One attribute of a peripheral's GATT database that a central sees as a D-Bus object:
/// a service, a characteristic (by its declaration handle) or a descriptor.
struct GattAttribute: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case service(primary: Bool), characteristic, descriptor }

    /// Where reads and writes go: a method on an application object, a constant value
    /// bluetoothd serves itself, or the Client Characteristic Configuration of a characteristic.
    enum Backing: Sendable, Hashable {
        case application(owner: String, path: DBusObjectPath)
        case constant([UInt8])
        case clientConfiguration
    }

    var kind: Kind
    /// Declaration handle (service, characteristic) or the descriptor's handle.
    var handle: UInt16
    var uuid: String
    var flags: [String]
    var backing: Backing
    /// Index of the parent attribute in the database (service for a characteristic,
    /// characteristic for a descriptor).
    var parent: Int?

    var canNotify: Bool { flags.contains("notify") || flags.contains("indicate") }
}

/// A peripheral adapter's GATT database as a central discovers it: bluetoothd's own services
/// (GAP hidden, GATT and Device Information exported) followed by the registered applications,
/// with handles assigned as gatt-database.c does (declaration, value, CCC first, descriptors).
struct GattDatabase: Sendable, Hashable {
    var attributes: [GattAttribute] = []

    /// The first handle after bluetoothd's built-in services (0x0015 on 5.66).
    static let firstApplicationHandle: UInt16 = 0x0015

    /// The database of an adapter serving `applications` in registration order.
    init(applications: [RegisteredApplication]) {
        appendBuiltInServices()
        var handle = Self.firstApplicationHandle
        for application in applications {
            for service in application.services {
                let serviceIndex = attributes.count
                attributes.append(GattAttribute(
                    kind: .service(primary: service.primary), handle: handle, uuid: service.uuid, flags: [],
                    backing: .application(owner: application.owner, path: service.path), parent: nil))
                handle &+= 1
                for characteristic in service.characteristics {
                    let characteristicIndex = attributes.count
                    attributes.append(GattAttribute(
                        kind: .characteristic, handle: handle, uuid: characteristic.uuid, flags: characteristic.flags,
                        backing: .application(owner: application.owner, path: characteristic.path), parent: serviceIndex))
                    handle &+= 2
                    if attributes[characteristicIndex].canNotify {
                        appendDescriptor(handle: handle, uuid: UUIDText.normalized("2902"), backing: .clientConfiguration, parent: characteristicIndex)
                        handle &+= 1
                    }
                    for descriptor in characteristic.descriptors {
                        attributes.append(GattAttribute(
                            kind: .descriptor, handle: handle, uuid: descriptor.uuid, flags: descriptor.flags,
                            backing: .application(owner: application.owner, path: descriptor.path), parent: characteristicIndex))
                        handle &+= 1
                    }
                }
            }
        }
    }

    /// GAP (0x0001-0x0007, claimed by bluetoothd and not exported), GATT at 0x0008 and Device
    /// Information at 0x0012, as the VM tier's recordings of bluetoothd 5.66 show them.
    private mutating func appendBuiltInServices() {
        let gatt = attributes.count
        attributes.append(GattAttribute(kind: .service(primary: true), handle: 0x0008, uuid: UUIDText.normalized("1801"), flags: [], backing: .constant([]), parent: nil))
        let serviceChanged = attributes.count
        attributes.append(GattAttribute(kind: .characteristic, handle: 0x0009, uuid: UUIDText.normalized("2a05"), flags: ["indicate"], backing: .constant([]), parent: gatt))
        appendDescriptor(handle: 0x000B, uuid: UUIDText.normalized("2902"), backing: .clientConfiguration, parent: serviceChanged)
        attributes.append(GattAttribute(kind: .characteristic, handle: 0x000C, uuid: UUIDText.normalized("2b29"), flags: ["read", "write"], backing: .constant([0x00]), parent: gatt))
        attributes.append(GattAttribute(kind: .characteristic, handle: 0x000E, uuid: UUIDText.normalized("2b2a"), flags: ["read"], backing: .constant(Array(repeating: 0x5A, count: 16)), parent: gatt))
        attributes.append(GattAttribute(kind: .characteristic, handle: 0x0010, uuid: UUIDText.normalized("2b3a"), flags: ["read"], backing: .constant([0x01]), parent: gatt))
        let deviceInformation = attributes.count
        attributes.append(GattAttribute(kind: .service(primary: true), handle: 0x0012, uuid: UUIDText.normalized("180a"), flags: [], backing: .constant([]), parent: nil))
        attributes.append(GattAttribute(kind: .characteristic, handle: 0x0013, uuid: UUIDText.normalized("2a50"), flags: ["read"], backing: .constant([0x02, 0x6B, 0x1D, 0x46, 0x02, 0x42, 0x05]), parent: deviceInformation))
    }

    private mutating func appendDescriptor(handle: UInt16, uuid: String, backing: GattAttribute.Backing, parent: Int) {
        attributes.append(GattAttribute(kind: .descriptor, handle: handle, uuid: uuid, flags: [], backing: backing, parent: parent))
    }

    /// The UUIDs of the primary services, sorted, as Device1.UUIDs lists them once resolved
    /// (GAP's 0x1800 included).
    var serviceUUIDs: [String] {
        var uuids = Set(attributes.compactMap { attribute -> String? in
            if case .service(primary: true) = attribute.kind { attribute.uuid } else { nil }
        })
        uuids.insert(UUIDText.normalized("1800"))
        return uuids.sorted()
    }
}
