"""What the real-BlueZ scenarios share: a system-bus connection on a GLib main loop, waits with
deadlines, a cache of org.bluez's objects fed by its signals (with a timestamped event log), and
conversion of D-Bus values to JSON that keeps each value's D-Bus signature."""

import json
import os
import select
import signal
import subprocess
import sys
import time

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

BLUEZ = "org.bluez"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
GATT_MANAGER = "org.bluez.GattManager1"
GATT_SERVICE = "org.bluez.GattService1"
GATT_CHARACTERISTIC = "org.bluez.GattCharacteristic1"
GATT_DESCRIPTOR = "org.bluez.GattDescriptor1"
ADVERTISING_MANAGER = "org.bluez.LEAdvertisingManager1"

CENTRAL = "/org/bluez/hci0"
PERIPHERAL = "/org/bluez/hci1"
CENTRAL_ADDRESS = "00:AA:01:00:00:00"
PERIPHERAL_ADDRESS = "00:AA:01:01:00:01"

# The test peripheral's GATT layout (python/peripheral.py serves it).
SERVICE_UUID = "5e7a0001-5e7a-4f00-8000-00805f9b34fb"
READ_UUID = "5e7a0002-5e7a-4f00-8000-00805f9b34fb"
WRITE_UUID = "5e7a0003-5e7a-4f00-8000-00805f9b34fb"
NOTIFY_UUID = "5e7a0004-5e7a-4f00-8000-00805f9b34fb"
USER_DESCRIPTION_UUID = "00002901-0000-1000-8000-00805f9b34fb"
MANUFACTURER_ID = 0xFFFF
MANUFACTURER_DATA = bytes([0x53, 0x53, 0x01, 0x02])
READ_VALUE = b"smartsetup-read"


class ScenarioFailure(Exception):
    """An expectation of a scenario did not hold (the scenario exits non-zero)."""


def log(message):
    """Prints a progress line to the scenario's log."""
    print(f"[{time.monotonic():.3f}] {message}", flush=True)


def expect(condition, message):
    """Raises ScenarioFailure with `message` unless `condition` holds."""
    if not condition:
        raise ScenarioFailure(message)


def results_dir():
    """The scenario's recordings directory in the results share ($REALBLUEZ_RESULTS)."""
    path = os.environ.get("REALBLUEZ_RESULTS", "/tmp/realbluez-results")
    os.makedirs(path, exist_ok=True)
    return path


def save_json(name, value):
    """Writes `value` as pretty JSON to the recordings directory."""
    with open(os.path.join(results_dir(), name), "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def save_text(name, text):
    """Writes `text` to the recordings directory."""
    with open(os.path.join(results_dir(), name), "w") as f:
        f.write(text)


def connect_system_bus():
    """Connects to the system bus with GLib as the main loop (signals need one)."""
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    return dbus.SystemBus()


def signature_of(value):
    """The D-Bus signature of a value as dbus-python unmarshalled it."""
    if isinstance(value, dbus.Boolean):
        return "b"
    for kind, sig in ((dbus.Byte, "y"), (dbus.Int16, "n"), (dbus.UInt16, "q"), (dbus.Int32, "i"),
                      (dbus.UInt32, "u"), (dbus.Int64, "x"), (dbus.UInt64, "t"), (dbus.Double, "d"),
                      (dbus.ObjectPath, "o"), (dbus.Signature, "g"), (dbus.String, "s")):
        if isinstance(value, kind):
            return sig
    if isinstance(value, dbus.Dictionary):
        return "a{" + (value.signature or "sv") + "}"
    if isinstance(value, (dbus.Array, dbus.ByteArray)):
        return "a" + (value.signature or "v")
    if isinstance(value, dbus.Struct):
        return "(" + "".join(signature_of(v) for v in value) + ")"
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "i"
    if isinstance(value, str):
        return "s"
    return type(value).__name__


def plain(value):
    """A JSON-able form of a D-Bus value; byte arrays become lowercase hex strings."""
    if isinstance(value, dbus.Boolean) or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (dbus.Array, list)) and signature_of(value) == "ay":
        return bytes(int(b) for b in value).hex()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    return str(value)


def typed(properties):
    """Properties as {name: {"signature": ..., "value": ...}}."""
    return {str(k): {"signature": signature_of(v), "value": plain(v)} for k, v in properties.items()}


def typed_objects(objects, prefix="/"):
    """GetManagedObjects output (below `prefix`) as {path: {interface: typed properties}}."""
    return {str(path): {str(i): typed(p) for i, p in ifaces.items()}
            for path, ifaces in sorted(objects.items()) if str(path).startswith(prefix)}


def error_record(error):
    """{"name", "message"} of a D-Bus error reply."""
    return {"name": error.get_dbus_name(), "message": error.get_dbus_message()}


class Bus:
    """The system bus, a cache of org.bluez's objects kept current from its signals, and an event log.

    Subscribes to InterfacesAdded/InterfacesRemoved/PropertiesChanged before reading
    GetManagedObjects, so no change is missed."""

    def __init__(self):
        self.bus = connect_system_bus()
        self.context = GLib.MainContext.default()
        self.events = []
        self.started = time.monotonic()
        self.bus.add_signal_receiver(self._added, "InterfacesAdded", OBJECT_MANAGER, BLUEZ)
        self.bus.add_signal_receiver(self._removed, "InterfacesRemoved", OBJECT_MANAGER, BLUEZ)
        self.bus.add_signal_receiver(self._changed, "PropertiesChanged", PROPERTIES, BLUEZ,
                                     path_keyword="path")
        self.objects = {}
        for path, ifaces in self.managed_objects().items():
            self.objects[str(path)] = {str(i): dict(p) for i, p in ifaces.items()}

    def managed_objects(self):
        """org.bluez's GetManagedObjects, straight from bluetoothd."""
        return self.call(BLUEZ, "/", OBJECT_MANAGER, "GetManagedObjects")

    def _event(self, kind, path, detail):
        self.events.append({"t_ms": round((time.monotonic() - self.started) * 1000, 1),
                            "signal": kind, "path": str(path), **detail})

    def _added(self, path, ifaces):
        entry = self.objects.setdefault(str(path), {})
        for iface, props in ifaces.items():
            entry[str(iface)] = dict(props)
        self._event("InterfacesAdded", path, {"interfaces": sorted(str(i) for i in ifaces)})

    def _removed(self, path, ifaces):
        entry = self.objects.get(str(path), {})
        for iface in ifaces:
            entry.pop(str(iface), None)
        if not entry:
            self.objects.pop(str(path), None)
        self._event("InterfacesRemoved", path, {"interfaces": sorted(str(i) for i in ifaces)})

    def _changed(self, iface, changed, invalidated, path=None):
        props = self.objects.setdefault(str(path), {}).setdefault(str(iface), {})
        props.update(changed)
        for name in invalidated:
            props.pop(name, None)
        self._event("PropertiesChanged", path, {"interface": str(iface),
                                                "changed": plain(dict(changed)),
                                                "invalidated": [str(n) for n in invalidated]})

    def mark(self, what):
        """Puts a marker (e.g. "call Connect") into the event log."""
        self._event("mark", "", {"what": what})

    def iterate(self, seconds):
        """Runs the main loop for `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.context.iteration(False) or time.sleep(0.002)

    def wait_until(self, predicate, timeout, what):
        """Runs the main loop until predicate() is truthy; ScenarioFailure after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise ScenarioFailure(f"timed out after {timeout} s waiting for {what}")
            self.context.iteration(False) or time.sleep(0.002)

    def call(self, service, path, interface, method, *args, timeout=30):
        """Calls a method asynchronously, running the main loop (so signals are handled in order)
        until its reply; returns the reply or raises dbus.exceptions.DBusException."""
        outcome = {}
        proxy = self.bus.get_object(service, path, introspect=False)
        getattr(proxy, method)(*args, dbus_interface=interface, timeout=timeout,
                               reply_handler=lambda *r: outcome.setdefault("reply", r),
                               error_handler=lambda e: outcome.setdefault("error", e))
        self.wait_until(lambda: outcome, timeout + 2, f"the reply to {method}")
        if "error" in outcome:
            raise outcome["error"]
        reply = outcome["reply"]
        return reply[0] if len(reply) == 1 else (reply if reply else None)

    def bluez(self, path, interface, method, *args, timeout=30):
        """Calls a method on an org.bluez object."""
        return self.call(BLUEZ, path, interface, method, *args, timeout=timeout)

    def error_of(self, path, interface, method, *args, timeout=30):
        """Calls a method that must fail; returns its error as {"name", "message"}."""
        try:
            reply = self.bluez(path, interface, method, *args, timeout=timeout)
        except dbus.exceptions.DBusException as error:
            return error_record(error)
        raise ScenarioFailure(f"{method} on {path} succeeded ({plain(reply)!r}) but must fail")

    def prop(self, path, interface, name):
        """A cached property (None when absent)."""
        return self.objects.get(path, {}).get(interface, {}).get(name)

    def paths_with(self, interface, prefix="/"):
        """Cached object paths under `prefix` that have `interface`."""
        return sorted(p for p, i in self.objects.items() if interface in i and p.startswith(prefix))

    def find_device(self, adapter, address=None, uuid=None):
        """The cached Device1 path on `adapter` with that address and/or advertised UUID."""
        for path in self.paths_with(DEVICE, adapter + "/"):
            props = self.objects[path][DEVICE]
            if address and str(props.get("Address")) != address:
                continue
            if uuid and uuid not in [str(u) for u in props.get("UUIDs", [])]:
                continue
            return path
        return None

    def characteristic(self, device, uuid):
        """The cached GattCharacteristic1 path below `device` with that UUID."""
        for path in self.paths_with(GATT_CHARACTERISTIC, device + "/"):
            if str(self.objects[path][GATT_CHARACTERISTIC]["UUID"]) == uuid:
                return path
        raise ScenarioFailure(f"no characteristic {uuid} below {device}")


class Peripheral:
    """python/peripheral.py run as a child process on hci1; its event log is JSON lines."""

    def __init__(self, name="peripheral", extra=()):
        self.log_path = os.path.join("/tmp", f"{name}-events.jsonl")
        if os.path.exists(self.log_path):
            os.remove(self.log_path)
        here = os.path.dirname(os.path.abspath(__file__))
        self.stderr = open(os.path.join("/tmp", f"{name}.stderr"), "w")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(here, "peripheral.py"), "--events", self.log_path, *extra],
            stdout=subprocess.PIPE, stderr=self.stderr)

    def wait_ready(self, timeout=90):
        """Waits for the peripheral's READY line (application and advertisement registered).
        Python's start-up over 9p under TCG took more than 30 s on a host at load 12."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        buffered = b""
        while time.monotonic() < deadline:
            readable, _, _ = select.select([fd], [], [], 0.1)
            chunk = os.read(fd, 4096) if readable else b""
            buffered += chunk
            if b"READY" in buffered:
                return
            if readable and not chunk:
                break
        self.stop()
        with open(self.stderr.name) as f:
            raise ScenarioFailure(f"peripheral not ready: {buffered!r} {f.read()}")

    def nudge(self):
        """Makes the peripheral register its advertisement again (SIGUSR1)."""
        self.process.send_signal(signal.SIGUSR1)

    def events(self):
        """The peripheral's events so far (what bluetoothd called on the GATT server)."""
        try:
            with open(self.log_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        """Terminates the peripheral (it unregisters nothing: bluetoothd notices its exit)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def discover(bus, adapter=CENTRAL, uuid=SERVICE_UUID, nudge=None, attempts=4, per_attempt=5):
    """SetDiscoveryFilter(le, [uuid]) + StartDiscovery on `adapter`; waits for the device
    advertising `uuid`, stops discovery; returns (device path, seconds until found).

    btvirt sends an advertising report only when scanning or advertising is enabled, never
    periodically, and the kernel drops a report that arrives before its discovery state is
    "finding" (HCI traces show the report, no Device Found). So a session can miss the device for
    good. After each `per_attempt` s without it, `nudge()` (e.g. Peripheral.nudge: advertise
    again) is called, or without a nudge discovery is stopped and started again; each is logged."""
    bus.bluez(adapter, ADAPTER, "SetDiscoveryFilter",
              dbus.Dictionary({"Transport": "le", "UUIDs": dbus.Array([uuid], signature="s")},
                              signature="sv"))
    bus.mark("call StartDiscovery")
    started = time.monotonic()
    bus.bluez(adapter, ADAPTER, "StartDiscovery")
    for attempt in range(1, attempts + 1):
        try:
            path = bus.wait_until(lambda: bus.find_device(adapter, uuid=uuid), per_attempt,
                                  f"a device advertising {uuid}")
            break
        except ScenarioFailure:
            if attempt == attempts:
                raise
        if nudge is not None:
            log(f"discovery: nothing after attempt {attempt}: the peripheral advertises again")
            bus.mark("nudge the peripheral")
            nudge()
        else:
            log(f"discovery: nothing after attempt {attempt}: restarting discovery")
            bus.bluez(adapter, ADAPTER, "StopDiscovery")
            bus.wait_until(lambda: not bus.prop(adapter, ADAPTER, "Discovering"), 10, "Discovering=false")
            bus.mark("call StartDiscovery")
            bus.bluez(adapter, ADAPTER, "StartDiscovery")
    elapsed = time.monotonic() - started
    bus.mark("found " + path)
    bus.bluez(adapter, ADAPTER, "StopDiscovery")
    bus.wait_until(lambda: bus.prop(adapter, ADAPTER, "Discovering") is not None
                   and not bus.prop(adapter, ADAPTER, "Discovering"), 10, "Discovering=false")
    return path, elapsed


def connect(bus, device, timeout=30):
    """Device1.Connect and a wait for ServicesResolved; returns (connect s, resolved s)."""
    bus.mark("call Connect")
    started = time.monotonic()
    bus.bluez(device, DEVICE, "Connect", timeout=timeout)
    connected = time.monotonic() - started
    bus.mark("Connect returned")
    bus.wait_until(lambda: bus.prop(device, DEVICE, "ServicesResolved"), timeout, "ServicesResolved")
    resolved = time.monotonic() - started
    bus.mark("ServicesResolved")
    return connected, resolved


def disconnect_and_remove(bus, device, adapter=CENTRAL, timeout=20):
    """Device1.Disconnect, wait Connected=false, Adapter1.RemoveDevice, wait its removal; returns
    the seconds Disconnect took."""
    bus.mark("call Disconnect")
    started = time.monotonic()
    bus.bluez(device, DEVICE, "Disconnect", timeout=timeout)
    bus.wait_until(lambda: bus.prop(device, DEVICE, "Connected") is False
                   or bus.prop(device, DEVICE, "Connected") == 0, timeout, "Connected=false")
    elapsed = time.monotonic() - started
    bus.mark("call RemoveDevice")
    bus.bluez(adapter, ADAPTER, "RemoveDevice", dbus.ObjectPath(device))
    bus.wait_until(lambda: device not in bus.objects, timeout, f"removal of {device}")
    return elapsed


def run(main):
    """Runs a scenario's main(); exits 1 with the reason on ScenarioFailure or a D-Bus error."""
    try:
        main()
    except ScenarioFailure as failure:
        log(f"FAIL: {failure}")
        sys.exit(1)
    except dbus.exceptions.DBusException as error:
        log(f"FAIL: unexpected D-Bus error {error.get_dbus_name()}: {error.get_dbus_message()}")
        sys.exit(1)
    log("PASS")
