"""Scenario `adapters`: bluetoothd shows two adapters (hci0 00:AA:01:00:00:00, hci1
00:AA:01:01:00:01). Records the introspection XML of /, /org/bluez, /org/bluez/hci0 and
GetManagedObjects with every property's D-Bus signature."""

import subprocess

import bluez


def introspect(path):
    """busctl's introspection XML of an org.bluez object."""
    result = subprocess.run(["busctl", "--system", "--xml-interface", "introspect", bluez.BLUEZ, path],
                            capture_output=True, text=True, timeout=20)
    bluez.expect(result.returncode == 0, f"introspect {path} failed: {result.stderr}")
    return result.stdout


def main():
    bus = bluez.Bus()
    objects = bus.managed_objects()
    adapters = {str(p): i[bluez.ADAPTER] for p, i in objects.items() if bluez.ADAPTER in i}
    bluez.log(f"adapters: {sorted(adapters)}")
    bluez.expect(sorted(adapters) == [bluez.CENTRAL, bluez.PERIPHERAL], f"two adapters, got {sorted(adapters)}")
    bluez.expect(str(adapters[bluez.CENTRAL]["Address"]) == bluez.CENTRAL_ADDRESS, "hci0's address")
    bluez.expect(str(adapters[bluez.PERIPHERAL]["Address"]) == bluez.PERIPHERAL_ADDRESS, "hci1's address")
    for path in (bluez.CENTRAL, bluez.PERIPHERAL):
        interfaces = set(str(i) for i in objects[path])
        for needed in (bluez.ADAPTER, bluez.GATT_MANAGER, bluez.ADVERTISING_MANAGER):
            bluez.expect(needed in interfaces, f"{path} lacks {needed}: {sorted(interfaces)}")
        bluez.expect(adapters[path]["Powered"], f"{path} is not powered")
    bluez.save_json("managed-objects.json", bluez.typed_objects(objects))
    for path, name in (("/", "root"), ("/org/bluez", "org-bluez"), (bluez.CENTRAL, "hci0")):
        bluez.save_text(f"introspect-{name}.xml", introspect(path))
    bluez.expect("org.bluez.AgentManager1" in introspect("/org/bluez"), "AgentManager1 on /org/bluez")


bluez.run(main)
