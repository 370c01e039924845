"""Scenario `peripheral-central`: python/peripheral.py serves GATT and advertises on hci1; hci0
discovers it (filter le + our UUID), connects, resolves services, reads, writes (request and
command), gets notifications, disconnects and removes it. Records the Device1 and GATT objects with
signatures, what the GATT server saw, the signal order, a dbus-monitor trace and timings."""

import os
import statistics
import subprocess
import time

import dbus

import bluez

ROUND_TRIPS = 10
# bluetoothd adds a Client Characteristic Configuration descriptor to notify characteristics.
CCC_UUID = "00002902-0000-1000-8000-00805f9b34fb"


def start_monitor():
    """dbus-monitor --system into the recordings (bluetoothd's and our traffic)."""
    out = open(bluez.results_dir() + "/dbus-monitor.txt", "w")
    process = subprocess.Popen(["dbus-monitor", "--system"], stdout=out, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    return process


def main():
    monitor = start_monitor()
    peripheral = bluez.Peripheral(extra=["--local-name", "smartsetup"])
    try:
        exercise(peripheral)
    finally:
        peripheral.stop()
        monitor.terminate()
        monitor.wait(5)


def exercise(peripheral):
    bus = bluez.Bus()
    started = time.monotonic()
    peripheral.wait_ready()
    timings = {"peripheral_ready_s": round(time.monotonic() - started, 3)}
    bus.mark("peripheral ready")

    device, timings["discovery_s"] = bluez.discover(bus, nudge=peripheral.nudge)
    bluez.log(f"discovered {device} in {timings['discovery_s']:.3f} s")
    discovered = bus.managed_objects()[dbus.ObjectPath(device)]
    bluez.save_json("device-discovered.json", {str(i): bluez.typed(p) for i, p in discovered.items()})
    props = discovered[bluez.DEVICE]
    bluez.expect(str(props["Address"]) == bluez.PERIPHERAL_ADDRESS, f"address {props['Address']}")
    bluez.expect(str(props["AddressType"]) == "public", f"AddressType {props['AddressType']}")
    data = props.get("ManufacturerData", {}).get(dbus.UInt16(bluez.MANUFACTURER_ID))
    bluez.expect(data is not None and bytes(data) == bluez.MANUFACTURER_DATA,
                 f"ManufacturerData {bluez.plain(props.get('ManufacturerData'))}")

    timings["connect_s"], timings["services_resolved_s"] = bluez.connect(bus, device)
    bluez.log(f"connected in {timings['connect_s']:.3f} s, resolved in {timings['services_resolved_s']:.3f} s")
    objects = bus.managed_objects()
    bluez.save_json("device-connected.json", bluez.typed_objects(objects, device))
    read = bus.characteristic(device, bluez.READ_UUID)
    write = bus.characteristic(device, bluez.WRITE_UUID)
    notify = bus.characteristic(device, bluez.NOTIFY_UUID)
    for path in (read, write, notify):
        descriptors = {str(bus.prop(d, bluez.GATT_DESCRIPTOR, "UUID")): d
                       for d in bus.paths_with(bluez.GATT_DESCRIPTOR, path + "/")}
        expected = {bluez.USER_DESCRIPTION_UUID} | ({CCC_UUID} if path == notify else set())
        bluez.expect(set(descriptors) == expected, f"{path} has descriptors {descriptors}")
        text = bus.bluez(descriptors[bluez.USER_DESCRIPTION_UUID], bluez.GATT_DESCRIPTOR, "ReadValue",
                         dbus.Dictionary({}, signature="sv"))
        bluez.log(f"{path} user description {bytes(text)!r}")
    bluez.log(f"MTU {bus.prop(write, bluez.GATT_CHARACTERISTIC, 'MTU')}")

    value = bus.bluez(read, bluez.GATT_CHARACTERISTIC, "ReadValue", dbus.Dictionary({}, signature="sv"))
    bluez.expect(bytes(value) == bluez.READ_VALUE, f"read {bytes(value)!r}")
    with_offset = bus.bluez(read, bluez.GATT_CHARACTERISTIC, "ReadValue",
                            dbus.Dictionary({"offset": dbus.UInt16(4)}, signature="sv"))
    bluez.log(f"ReadValue offset 4 -> {bytes(with_offset)!r}")
    for kind in ("request", "command"):
        bus.bluez(write, bluez.GATT_CHARACTERISTIC, "WriteValue",
                  dbus.Array(kind.encode(), signature="y"),
                  dbus.Dictionary({"type": kind}, signature="sv"))
    bus.bluez(write, bluez.GATT_CHARACTERISTIC, "WriteValue", dbus.Array(b"default", signature="y"),
              dbus.Dictionary({}, signature="sv"))
    bus.bluez(write, bluez.GATT_CHARACTERISTIC, "WriteValue", dbus.Array(bytes(range(200)) * 2, signature="y"),
              dbus.Dictionary({"type": "request"}, signature="sv"))
    bus.wait_until(lambda: len([e for e in peripheral.events() if e["call"] == "WriteValue"]) == 4, 5,
                   "the server to see four writes")

    bus.mark("call StartNotify")
    bus.bluez(notify, bluez.GATT_CHARACTERISTIC, "StartNotify")
    bus.wait_until(lambda: bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Notifying"), 5, "Notifying=true")
    bus.wait_until(lambda: any(e["call"] == "StartNotify" for e in peripheral.events()), 5,
                   "the server's StartNotify")
    round_trips = []
    for i in range(ROUND_TRIPS):
        payload = bytes([i]) * 8
        sent = time.monotonic()
        bus.bluez(write, bluez.GATT_CHARACTERISTIC, "WriteValue", dbus.Array(payload, signature="y"),
                  dbus.Dictionary({"type": "request"}, signature="sv"))
        bus.wait_until(lambda: bytes(bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Value") or b"") == payload,
                       5, f"notification {i}")
        round_trips.append(time.monotonic() - sent)
    timings["write_notify_round_trip_ms"] = {
        "n": ROUND_TRIPS, "min": round(min(round_trips) * 1000, 1),
        "median": round(statistics.median(round_trips) * 1000, 1), "max": round(max(round_trips) * 1000, 1)}
    bus.mark("call StopNotify")
    bus.bluez(notify, bluez.GATT_CHARACTERISTIC, "StopNotify")
    bus.wait_until(lambda: not bus.prop(notify, bluez.GATT_CHARACTERISTIC, "Notifying"), 5, "Notifying=false")

    timings["disconnect_s"] = bluez.disconnect_and_remove(bus, device)
    bluez.log(f"disconnected in {timings['disconnect_s']:.3f} s")
    bus.wait_until(lambda: any(e["call"] == "StopNotify" for e in peripheral.events()), 5,
                   "the server's StopNotify")
    timings = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in timings.items()}
    # TCG figures depend on what else the host runs: keep its load next to them.
    timings["host_load_average_at_boot"] = os.environ.get("REALBLUEZ_HOST_LOADAVG", "")
    bluez.save_json("timings.json", timings)
    bluez.save_json("signals.json", bus.events)
    bluez.save_json("server-calls.json", peripheral.events())
    writes = [e for e in peripheral.events() if e["call"] == "WriteValue"]
    bluez.expect(sorted(e["value"] for e in writes[:3]) == sorted(w.hex() for w in (b"request", b"command", b"default")),
                 f"the server saw writes {[e['value'] for e in writes[:3]]}")
    bluez.expect(all({"device", "link", "mtu"} <= set(e["options"]) for e in writes),
                 f"write options the server saw: {[e['options'] for e in writes]}")
    bluez.log(f"timings {timings}")


bluez.run(main)
