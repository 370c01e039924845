"""The test peripheral: on hci1, a GATT application (ObjectManager at /org/smartsetup/app; one
service with a read, a write(+write-without-response) and a notify characteristic, each with a
0x2901 user description) and an LE advertisement (service UUID + manufacturer data, 29 of the 31
legacy bytes). Writing to the write characteristic echoes the value as a notification when
notifying. Every call bluetoothd makes is appended as one JSON line to --events. Prints READY once
both registrations succeeded; registers the advertisement again on SIGUSR1; runs until terminated.

usage: peripheral.py --events FILE [--adapter /org/bluez/hci1] [--local-name NAME]
"""

import argparse
import json
import os
import signal
import sys
import time

import dbus
import dbus.service
from gi.repository import GLib

import bluez

APP = "/org/smartsetup/app"
ADVERTISEMENT = "/org/smartsetup/advertisement0"


class Recorder:
    """Appends bluetoothd's calls to the events file as JSON lines."""

    def __init__(self, path):
        self.file = open(path, "a")

    def event(self, **fields):
        """Records one call with a monotonic timestamp."""
        fields["t"] = round(time.monotonic(), 4)
        self.file.write(json.dumps(bluez.plain(fields), sort_keys=True) + "\n")
        self.file.flush()


class Application(dbus.service.Object):
    """The application root: ObjectManager.GetManagedObjects over the service's objects."""

    def __init__(self, bus):
        super().__init__(bus, APP)
        self.objects = []

    @dbus.service.method(bluez.OBJECT_MANAGER, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {o.path: o.interfaces() for o in self.objects}


class Service(dbus.service.Object):
    """The primary service."""

    def __init__(self, bus, app):
        self.path = APP + "/service0"
        super().__init__(bus, self.path)
        app.objects.append(self)

    def interfaces(self):
        return {bluez.GATT_SERVICE: {"UUID": bluez.SERVICE_UUID, "Primary": dbus.Boolean(True)}}


class Characteristic(dbus.service.Object):
    """One characteristic; behaviour by flags (read returns READ_VALUE, write echoes to notify)."""

    def __init__(self, bus, app, service, index, uuid, flags, recorder):
        self.path = f"{service.path}/char{index}"
        super().__init__(bus, self.path)
        self.service, self.uuid, self.flags, self.recorder = service, uuid, flags, recorder
        self.value = dbus.Array([], signature="y")
        self.notifying = False
        self.echo_to = None
        app.objects.append(self)

    def interfaces(self):
        return {bluez.GATT_CHARACTERISTIC: {
            "UUID": self.uuid, "Service": dbus.ObjectPath(self.service.path),
            "Flags": dbus.Array(self.flags, signature="s"), "Value": self.value}}

    @dbus.service.method(bluez.GATT_CHARACTERISTIC, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        self.recorder.event(call="ReadValue", path=self.path, options=dict(options))
        return dbus.Array(bluez.READ_VALUE, signature="y")

    @dbus.service.method(bluez.GATT_CHARACTERISTIC, in_signature="aya{sv}")
    def WriteValue(self, value, options):
        self.recorder.event(call="WriteValue", path=self.path, value=bytes(value),
                            options=dict(options))
        if self.echo_to is not None and self.echo_to.notifying:
            self.echo_to.notify(value)

    @dbus.service.method(bluez.GATT_CHARACTERISTIC)
    def StartNotify(self):
        self.recorder.event(call="StartNotify", path=self.path)
        self.notifying = True

    @dbus.service.method(bluez.GATT_CHARACTERISTIC)
    def StopNotify(self):
        self.recorder.event(call="StopNotify", path=self.path)
        self.notifying = False

    def notify(self, value):
        """Sets Value and emits PropertiesChanged: bluetoothd turns it into a notification."""
        self.value = dbus.Array(value, signature="y")
        self.PropertiesChanged(bluez.GATT_CHARACTERISTIC, {"Value": self.value}, [])
        self.recorder.event(call="notify", path=self.path, value=bytes(value))

    @dbus.service.signal(bluez.PROPERTIES, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass


class Descriptor(dbus.service.Object):
    """A 0x2901 Characteristic User Description (read only)."""

    def __init__(self, bus, app, characteristic, text, recorder):
        self.path = characteristic.path + "/desc0"
        super().__init__(bus, self.path)
        self.characteristic, self.text, self.recorder = characteristic, text, recorder
        app.objects.append(self)

    def interfaces(self):
        return {bluez.GATT_DESCRIPTOR: {
            "UUID": bluez.USER_DESCRIPTION_UUID,
            "Characteristic": dbus.ObjectPath(self.characteristic.path),
            "Flags": dbus.Array(["read"], signature="s")}}

    @dbus.service.method(bluez.GATT_DESCRIPTOR, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        self.recorder.event(call="ReadValue", path=self.path, options=dict(options))
        return dbus.Array(self.text.encode(), signature="y")


class Advertisement(dbus.service.Object):
    """An LEAdvertisement1 of type peripheral; Release is recorded."""

    def __init__(self, bus, path, recorder, service_uuids, manufacturer_data, local_name=None):
        super().__init__(bus, path)
        self.path, self.recorder = path, recorder
        self.properties = {
            "Type": "peripheral",
            "ServiceUUIDs": dbus.Array(service_uuids, signature="s"),
            "ManufacturerData": dbus.Dictionary(
                {dbus.UInt16(bluez.MANUFACTURER_ID): dbus.Array(manufacturer_data, signature="y")},
                signature="qv"),
        }
        if local_name:
            self.properties["LocalName"] = local_name

    @dbus.service.method(bluez.PROPERTIES, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        return self.properties[name]

    @dbus.service.method(bluez.PROPERTIES, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        self.recorder.event(call="Advertisement.GetAll", path=self.path)
        return self.properties

    @dbus.service.method("org.bluez.LEAdvertisement1")
    def Release(self):
        self.recorder.event(call="Advertisement.Release", path=self.path)


def build_application(bus, recorder):
    """Exports the application's objects; returns the Application."""
    app = Application(bus)
    service = Service(bus, app)
    read = Characteristic(bus, app, service, 0, bluez.READ_UUID, ["read"], recorder)
    write = Characteristic(bus, app, service, 1, bluez.WRITE_UUID,
                           ["write", "write-without-response"], recorder)
    notify = Characteristic(bus, app, service, 2, bluez.NOTIFY_UUID, ["notify"], recorder)
    write.echo_to = notify
    for characteristic, text in ((read, "read me"), (write, "write me"), (notify, "notifies")):
        Descriptor(bus, app, characteristic, text, recorder)
    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", required=True)
    parser.add_argument("--adapter", default=bluez.PERIPHERAL)
    parser.add_argument("--local-name", default=None)
    args = parser.parse_args()

    bus = bluez.connect_system_bus()
    recorder = Recorder(args.events)
    build_application(bus, recorder)
    advertisement = Advertisement(bus, ADVERTISEMENT, recorder, [bluez.SERVICE_UUID],
                                  bluez.MANUFACTURER_DATA, args.local_name)
    loop = GLib.MainLoop()
    pending = {"app", "adv"}

    def registered(which):
        recorder.event(call=f"register {which} replied")
        pending.discard(which)
        if not pending:
            print("READY", flush=True)

    def failed(which, error):
        print(f"register {which} failed: {error.get_dbus_name()}: {error.get_dbus_message()}",
              file=sys.stderr, flush=True)
        os._exit(1)

    adapter = bus.get_object(bluez.BLUEZ, args.adapter)
    adapter.RegisterApplication(dbus.ObjectPath(APP), dbus.Dictionary({}, signature="sv"),
                                dbus_interface=bluez.GATT_MANAGER,
                                reply_handler=lambda: registered("app"),
                                error_handler=lambda e: failed("app", e))
    adapter.RegisterAdvertisement(dbus.ObjectPath(advertisement.path),
                                  dbus.Dictionary({}, signature="sv"),
                                  dbus_interface=bluez.ADVERTISING_MANAGER,
                                  reply_handler=lambda: registered("adv"),
                                  error_handler=lambda e: failed("adv", e))
    def readvertise():
        # btvirt sends one advertising report per scan/advertising enable, never periodically;
        # registering again makes hci1 enable advertising again, so a scanning hci0 gets a report.
        recorder.event(call="re-advertise (SIGUSR1)")
        adapter.UnregisterAdvertisement(
            dbus.ObjectPath(advertisement.path), dbus_interface=bluez.ADVERTISING_MANAGER,
            reply_handler=lambda: adapter.RegisterAdvertisement(
                dbus.ObjectPath(advertisement.path), dbus.Dictionary({}, signature="sv"),
                dbus_interface=bluez.ADVERTISING_MANAGER,
                reply_handler=lambda: recorder.event(call="re-advertise replied"),
                error_handler=lambda e: failed("adv", e)),
            error_handler=lambda e: failed("adv", e))
        return True

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, readvertise)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    # A forgotten peripheral ends itself (the scenario deadline kills it sooner).
    GLib.timeout_add_seconds(600, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
