"""Scenario `errors`: records the exact error names and messages real bluetoothd returns for common
misuse (errors.json: {case: {"name", "message"}} or {"result": ...} where bluetoothd accepts it).
Every case must fail with an org.bluez.Error.* (or org.freedesktop.DBus.Error.*) reply unless
listed in MAY_SUCCEED; the largest advertisement hci1 accepts is measured and recorded."""

import dbus

import bluez
import peripheral as server

NO_OPTIONS = dbus.Dictionary({}, signature="sv")
# Cases recorded as they come: bluetoothd may accept them, and what it does is the record.
MAY_SUCCEED = {"StartDiscovery twice (same client)", "StartNotify twice (same client)",
               "StopNotify when not notifying", "WriteValue command longer than MTU-3",
               "RegisterAdvertisement unexported path", "Connect while connected"}


class Recorder:
    """Collects each case's outcome and checks it failed when it must."""

    def __init__(self, bus):
        self.bus = bus
        self.cases = {}

    def case(self, name, path, interface, method, *args, timeout=30):
        """Calls the method; records its error (or its result when it is allowed to succeed)."""
        try:
            result = self.bus.bluez(path, interface, method, *args, timeout=timeout)
            outcome = {"result": bluez.plain(result)}
            bluez.expect(name in MAY_SUCCEED, f"{name}: {method} succeeded but must fail")
        except dbus.exceptions.DBusException as error:
            outcome = bluez.error_record(error)
        bluez.log(f"{name}: {outcome}")
        self.cases[name] = {"call": f"{interface}.{method} on {path}", **outcome}
        return outcome


class LocalAdvertisement(server.Advertisement):
    """A peripheral advertisement whose only AD structure is manufacturer data of `ad_bytes`
    bytes in all (length 1 + type 1 + company 2 + data); optionally Discoverable=true."""

    def __init__(self, bus, path, ad_bytes, discoverable):
        super().__init__(bus, path, server.Recorder("/tmp/adv-events.jsonl"), [], bytes(ad_bytes - 4))
        if discoverable:
            self.properties["Discoverable"] = dbus.Boolean(True)


def largest_advertisement(bus, record, discoverable):
    """Bisects the largest manufacturer-data AD structure hci1 accepts; records the two sizes
    around the limit. Flags, when bluetoothd asks the kernel to add them, are not counted."""
    label = "Discoverable=true" if discoverable else "no Discoverable"

    def accepted(ad_bytes):
        adv = LocalAdvertisement(bus.bus, f"/org/smartsetup/errors/adv{int(discoverable)}_{ad_bytes}",
                                 ad_bytes, discoverable)
        name = f"RegisterAdvertisement {ad_bytes} AD bytes ({label})"
        try:
            bus.bluez(bluez.PERIPHERAL, bluez.ADVERTISING_MANAGER, "RegisterAdvertisement",
                      dbus.ObjectPath(adv.path), NO_OPTIONS)
        except dbus.exceptions.DBusException as error:
            record.cases[name] = bluez.error_record(error)
            return False
        finally:
            adv.remove_from_connection()
        record.cases[name] = {"result": "ok"}
        bus.bluez(bluez.PERIPHERAL, bluez.ADVERTISING_MANAGER, "UnregisterAdvertisement",
                  dbus.ObjectPath(adv.path))
        return True

    low, high = 8, 300
    bluez.expect(accepted(low), f"a {low}-byte advertisement must register ({label})")
    bluez.expect(not accepted(high), f"a {high}-byte advertisement must fail ({label})")
    while high - low > 1:
        middle = (low + high) // 2
        if accepted(middle):
            low = middle
        else:
            high = middle
    record.cases[f"largest advertisement accepted, AD bytes excluding Flags ({label})"] = {"result": low}
    bluez.log(f"largest advertisement accepted ({label}): {low} AD bytes excluding Flags")
    return low


def advertising_cases(bus, record):
    """The advertising size limit with and without Discoverable, and registration misuse."""
    plain_limit = largest_advertisement(bus, record, discoverable=False)
    discoverable_limit = largest_advertisement(bus, record, discoverable=True)
    bluez.expect(plain_limit <= 31 and discoverable_limit <= 31,
                 f"legacy advertising only: limits {plain_limit} and {discoverable_limit} exceed 31")
    unexported = LocalAdvertisement(bus.bus, "/org/smartsetup/errors/unregistered", 8, False)
    record.case("UnregisterAdvertisement never registered", bluez.PERIPHERAL, bluez.ADVERTISING_MANAGER,
                "UnregisterAdvertisement", dbus.ObjectPath(unexported.path))
    nothing = dbus.ObjectPath("/org/smartsetup/errors/nothing")
    outcome = record.case("RegisterAdvertisement unexported path", bluez.PERIPHERAL,
                          bluez.ADVERTISING_MANAGER, "RegisterAdvertisement", nothing, NO_OPTIONS)
    if "result" in outcome:
        bus.bluez(bluez.PERIPHERAL, bluez.ADVERTISING_MANAGER, "UnregisterAdvertisement", nothing)


def discovery_cases(bus, record):
    """StopDiscovery without discovery, bad filters, StartDiscovery twice."""
    hci0 = bluez.CENTRAL
    record.case("StopDiscovery with no discovery", hci0, bluez.ADAPTER, "StopDiscovery")
    record.case("SetDiscoveryFilter unknown key", hci0, bluez.ADAPTER, "SetDiscoveryFilter",
                dbus.Dictionary({"Colour": "blue"}, signature="sv"))
    record.case("SetDiscoveryFilter Transport xyz", hci0, bluez.ADAPTER, "SetDiscoveryFilter",
                dbus.Dictionary({"Transport": "xyz"}, signature="sv"))
    record.case("SetDiscoveryFilter UUIDs not a UUID", hci0, bluez.ADAPTER, "SetDiscoveryFilter",
                dbus.Dictionary({"UUIDs": dbus.Array(["not-a-uuid"], signature="s")}, signature="sv"))
    record.case("SetDiscoveryFilter RSSI wrong type", hci0, bluez.ADAPTER, "SetDiscoveryFilter",
                dbus.Dictionary({"RSSI": "loud"}, signature="sv"))
    bus.bluez(hci0, bluez.ADAPTER, "SetDiscoveryFilter", NO_OPTIONS)
    bus.bluez(hci0, bluez.ADAPTER, "StartDiscovery")
    record.case("StartDiscovery twice (same client)", hci0, bluez.ADAPTER, "StartDiscovery")
    bus.bluez(hci0, bluez.ADAPTER, "StopDiscovery")
    bus.wait_until(lambda: not bus.prop(hci0, bluez.ADAPTER, "Discovering"), 10, "Discovering=false")
    record.case("RemoveDevice unknown path", hci0, bluez.ADAPTER, "RemoveDevice",
                dbus.ObjectPath(hci0 + "/dev_11_22_33_44_55_66"))
    record.case("RemoveDevice path of the other adapter", hci0, bluez.ADAPTER, "RemoveDevice",
                dbus.ObjectPath(bluez.PERIPHERAL))
    record.case("Adapter1 Set Powered wrong type", hci0, bluez.PROPERTIES, "Set",
                bluez.ADAPTER, "Powered", dbus.String("yes", variant_level=1))
    record.case("Adapter1 Set Address (read-only)", hci0, bluez.PROPERTIES, "Set",
                bluez.ADAPTER, "Address", dbus.String("00:11:22:33:44:55", variant_level=1))
    record.case("Adapter1 Get unknown property", hci0, bluez.PROPERTIES, "Get", bluez.ADAPTER, "Colour")


def gatt_cases(bus, record, device):
    """Misuse of remote characteristics on a connected device."""
    read = bus.characteristic(device, bluez.READ_UUID)
    write = bus.characteristic(device, bluez.WRITE_UUID)
    notify = bus.characteristic(device, bluez.NOTIFY_UUID)
    chrc = bluez.GATT_CHARACTERISTIC
    record.case("ReadValue on a characteristic without read", write, chrc, "ReadValue", NO_OPTIONS)
    record.case("WriteValue on a characteristic without write", read, chrc, "WriteValue",
                dbus.Array(b"x", signature="y"), NO_OPTIONS)
    record.case("WriteValue request of 513 bytes", write, chrc, "WriteValue",
                dbus.Array(bytes(513), signature="y"), dbus.Dictionary({"type": "request"}, signature="sv"))
    record.case("WriteValue command longer than MTU-3", write, chrc, "WriteValue",
                dbus.Array(bytes(515), signature="y"), dbus.Dictionary({"type": "command"}, signature="sv"))
    record.case("WriteValue type bogus", write, chrc, "WriteValue",
                dbus.Array(b"x", signature="y"), dbus.Dictionary({"type": "bogus"}, signature="sv"))
    record.case("StartNotify on a characteristic without notify", read, chrc, "StartNotify")
    record.case("StopNotify when not notifying", notify, chrc, "StopNotify")
    bus.bluez(notify, chrc, "StartNotify")
    record.case("StartNotify twice (same client)", notify, chrc, "StartNotify")
    bus.bluez(notify, chrc, "StopNotify")
    record.case("Connect while connected", device, bluez.DEVICE, "Connect")


def application_cases(bus, record):
    """Registering the same GATT application twice (the peripheral registered it first)."""
    events = "/tmp/errors-app-events.jsonl"
    app = server.build_application(bus.bus, server.Recorder(events))
    bus.bluez(bluez.CENTRAL, bluez.GATT_MANAGER, "RegisterApplication", dbus.ObjectPath(server.APP), NO_OPTIONS)
    record.cases["RegisterApplication first time"] = {"result": "ok"}
    record.case("RegisterApplication same app twice", bluez.CENTRAL, bluez.GATT_MANAGER,
                "RegisterApplication", dbus.ObjectPath(server.APP), NO_OPTIONS)
    bus.bluez(bluez.CENTRAL, bluez.GATT_MANAGER, "UnregisterApplication", dbus.ObjectPath(server.APP))
    record.case("UnregisterApplication not registered", bluez.CENTRAL, bluez.GATT_MANAGER,
                "UnregisterApplication", dbus.ObjectPath(server.APP))
    record.case("RegisterApplication unexported path", bluez.CENTRAL, bluez.GATT_MANAGER,
                "RegisterApplication", dbus.ObjectPath("/org/smartsetup/nothing"), NO_OPTIONS)
    return app


def main():
    bus = bluez.Bus()
    record = Recorder(bus)
    try:
        discovery_cases(bus, record)
        peripheral = bluez.Peripheral()
        try:
            peripheral.wait_ready()
            device, _ = bluez.discover(bus, nudge=peripheral.nudge)
            bluez.connect(bus, device)
            gatt_cases(bus, record, device)
            bluez.disconnect_and_remove(bus, device)
        finally:
            peripheral.stop()
        record.case("Connect on a removed device", device, bluez.DEVICE, "Connect")
        record.case("Disconnect on a removed device", device, bluez.DEVICE, "Disconnect")
        application_cases(bus, record)
        # Last: the size bisection adds and removes many advertisements (some rejected) on hci1;
        # nothing that needs hci1's advertising runs after it.
        advertising_cases(bus, record)
    finally:
        bluez.save_json("errors.json", record.cases)
    for name, outcome in record.cases.items():
        if "name" in outcome:
            bluez.expect(outcome["name"].startswith(("org.bluez.Error.", "org.freedesktop.DBus.Error.")),
                         f"{name}: unexpected error name {outcome['name']}")


bluez.run(main)
