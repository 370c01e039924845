"""Scenario `reconnect`: what real bluetoothd does with a device's GATT objects across a
disconnection, for the simulated BlueZ (Tests/RealBlueZ/README.md, finding 8).

python/peripheral.py serves GATT and advertises on hci1; hci0 connects, starts notifications,
disconnects; while disconnected it records GetManagedObjects (are the GATT objects and their MTU
there?), Notifying, and what ReadValue, WriteValue, StartNotify, StopNotify and Properties.Get MTU
answer; it reconnects and records which objects were added again, whether MTU is back, whether
the notification session survived (does a write's echo arrive without a new StartNotify, what
does StopNotify answer; which StartNotify/StopNotify calls reached the GATT server); then the
peripheral drops the link (Device1.Disconnect on hci1) and the
scenario records the central's signals and how long bluetoothd keeps the unpaired device before
it removes it (its temporary-device expiry). Everything goes into `reconnect.json`; the asserts
are only what smartsetup and the simulated BlueZ rely on."""

import time

import dbus

import bluez

NO_OPTIONS = dbus.Dictionary({}, signature="sv")
# bluetoothd's TemporaryTimeout is 30 s by default; give it room under TCG.
EXPIRY_LIMIT_S = 75


def main():
    peripheral = bluez.Peripheral(extra=["--local-name", "smartsetup"])
    try:
        exercise(peripheral)
    finally:
        peripheral.stop()


def gatt_objects(bus, device):
    """GetManagedObjects' GATT objects below `device`: path -> sorted property names."""
    objects = bus.managed_objects()
    return {str(path): sorted(str(n) for i in ifaces.values() for n in i)
            for path, ifaces in objects.items() if str(path).startswith(device + "/")}


def notify_calls(peripheral):
    """The StartNotify/StopNotify calls the GATT server got so far, in order."""
    return [e["call"] for e in peripheral.events() if e["call"] in ("StartNotify", "StopNotify")]


def outcome(bus, path, interface, method, *args):
    """A call's result: {"result": ...} or {"name", "message"} of its error."""
    try:
        return {"result": bluez.plain(bus.bluez(path, interface, method, *args, timeout=20))}
    except dbus.exceptions.DBusException as error:
        return bluez.error_record(error)


def exercise(peripheral):
    bus = bluez.Bus()
    record = {}
    peripheral.wait_ready()
    device, _ = bluez.discover(bus, nudge=peripheral.nudge)
    bluez.connect(bus, device)
    read = bus.characteristic(device, bluez.READ_UUID)
    write = bus.characteristic(device, bluez.WRITE_UUID)
    notify = bus.characteristic(device, bluez.NOTIFY_UUID)
    connected_objects = gatt_objects(bus, device)
    record["mtu_connected"] = bluez.plain(bus.prop(write, bluez.GATT_CHARACTERISTIC, "MTU"))

    bus.bluez(notify, bluez.GATT_CHARACTERISTIC, "StartNotify")
    bus.wait_until(lambda: bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Notifying"), 10, "Notifying=true")

    # 1. Our own Disconnect.
    bus.mark("call Disconnect")
    bus.bluez(device, bluez.DEVICE, "Disconnect", timeout=20)
    bus.wait_until(lambda: bus.prop(device, bluez.DEVICE, "Connected") in (False, 0), 20, "Connected=false")
    bus.iterate(1.0)
    disconnected_objects = gatt_objects(bus, device)
    record["objects_kept_after_disconnect"] = sorted(disconnected_objects) == sorted(connected_objects)
    record["properties_while_disconnected"] = {p: disconnected_objects[p] for p in (read, write, notify)}
    record["notifying_while_disconnected"] = bluez.plain(bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Notifying"))
    record["while_disconnected"] = {
        "ReadValue": outcome(bus, read, bluez.GATT_CHARACTERISTIC, "ReadValue", NO_OPTIONS),
        "WriteValue": outcome(bus, write, bluez.GATT_CHARACTERISTIC, "WriteValue",
                              dbus.Array(b"x", signature="y"), NO_OPTIONS),
        "StartNotify": outcome(bus, notify, bluez.GATT_CHARACTERISTIC, "StartNotify"),
        "Get MTU": outcome(bus, write, bluez.PROPERTIES, "Get", bluez.GATT_CHARACTERISTIC, "MTU"),
    }
    bluez.expect(record["objects_kept_after_disconnect"], "bluetoothd removed GATT objects at disconnection")

    record["server_notify_calls_until_disconnected"] = notify_calls(peripheral)

    # 2. Reconnect to the same database.
    mark = len(bus.events)
    bluez.connect(bus, device)
    bus.iterate(1.0)
    again = bus.events[mark:]
    record["reconnect_interfaces_added"] = sorted({e["path"] for e in again if e["signal"] == "InterfacesAdded"
                                                  and e["path"].startswith(device + "/")})
    record["reconnect_mtu_signals"] = [e for e in again if e["signal"] == "PropertiesChanged"
                                       and "MTU" in e.get("changed", {})]
    record["mtu_after_reconnect"] = outcome(bus, write, bluez.PROPERTIES, "Get", bluez.GATT_CHARACTERISTIC, "MTU")
    record["notifying_after_reconnect"] = bluez.plain(bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Notifying"))
    echo = b"after-reconnect"
    bus.bluez(write, bluez.GATT_CHARACTERISTIC, "WriteValue", dbus.Array(echo, signature="y"),
              dbus.Dictionary({"type": "request"}, signature="sv"))
    try:
        bus.wait_until(lambda: bytes(bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Value") or b"") == echo, 5,
                       "the echo without a new StartNotify")
        record["notification_without_new_start_notify"] = True
    except bluez.ScenarioFailure:
        record["notification_without_new_start_notify"] = False
    record["server_notify_calls_after_reconnect"] = notify_calls(peripheral)
    record["stop_notify_after_reconnect"] = outcome(bus, notify, bluez.GATT_CHARACTERISTIC, "StopNotify")
    bluez.expect(not record["reconnect_interfaces_added"],
                 f"reconnecting added objects again: {record['reconnect_interfaces_added']}")
    bluez.expect("result" in record["mtu_after_reconnect"], f"no MTU after reconnecting: {record['mtu_after_reconnect']}")

    # 3. The peripheral drops the link; then bluetoothd's expiry of the unpaired device.
    central_on_peripheral = bus.find_device(bluez.PERIPHERAL, address=bluez.CENTRAL_ADDRESS)
    bluez.expect(central_on_peripheral is not None, "hci1 has no Device1 for hci0")
    mark = len(bus.events)
    dropped = time.monotonic()
    bus.bluez(central_on_peripheral, bluez.DEVICE, "Disconnect", timeout=20)
    # Connected may already read false in the cache (no Connected=true signal on reconnection,
    # finding 2): ServicesResolved is what turned true again.
    bus.wait_until(lambda: bus.prop(device, bluez.DEVICE, "ServicesResolved") in (False, 0), 20,
                   "the central's ServicesResolved=false")
    bus.iterate(1.0)
    record["central_signals_on_remote_disconnect"] = [
        {"changed": sorted(e["changed"])} for e in bus.events[mark:]
        if e["signal"] == "PropertiesChanged" and e["path"] == device]
    bus.wait_until(lambda: device not in bus.objects, EXPIRY_LIMIT_S, f"bluetoothd to expire {device}")
    record["expiry_after_disconnect_s"] = round(time.monotonic() - dropped, 1)
    removed = [e["path"] for e in bus.events[mark:] if e["signal"] == "InterfacesRemoved"
               and e["path"].startswith(device)]
    record["expiry_removal_order_ends_with_device"] = bool(removed) and removed[-1] == device
    record["central_on_peripheral_expired"] = central_on_peripheral not in bus.objects

    bluez.save_json("reconnect.json", record)
    bluez.save_json("signals.json", bus.events)
    bluez.log(f"recorded {record}")


bluez.run(main)
