"""timings.json of a smartsetup-* scenario: the figures the scenario wrote to timings.env, plus
what dbus-monitor.txt shows between smartsetup and bluetoothd (dbus-monitor's own timestamps):
for each StartDiscovery and each
RegisterAdvertisement the delay to the printer's Device1 (InterfacesAdded), for each Connect
on the printer's device the delay to Connected=true, to the Connect reply and to
ServicesResolved=true, and the number of WriteValue / notifications on the setup service."""

import json
import os
import re
import sys

PRINTER_DEVICE = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
HEADER = re.compile(
    r"^(method call|method return|signal|error) time=([0-9.]+) sender=(\S+) -> destination=(\(null destination\)|\S+)"
    r"(?: serial=(\d+))?(?: reply_serial=(\d+))?(?: path=([^;]+); interface=([^;]+); member=(\S+))?")


def messages(path):
    """The monitored messages: dicts with kind, time (s), serial, reply_serial, path, member, body."""
    found = []
    with open(path, errors="replace") as trace:
        for line in trace:
            match = HEADER.match(line)
            if match:
                kind, time, sender, dest, serial, reply, obj, interface, member = match.groups()
                found.append({"kind": kind, "time": float(time), "sender": sender, "destination": dest, "serial": serial,
                              "reply": reply, "path": obj, "interface": interface, "member": member, "body": ""})
            elif found:
                found[-1]["body"] += line
    return found


def changed(message, name, value):
    """Whether a PropertiesChanged message sets property `name` to boolean `value`."""
    return (message["member"] == "PropertiesChanged"
            and re.search(r'string "%s"\s+variant\s+boolean %s' % (name, value), message["body"]) is not None)


def first_after(items, start, predicate):
    """The first message at or after index `start` that satisfies `predicate`."""
    for message in items[start:]:
        if predicate(message):
            return message
    return None


def ms(later, earlier):
    return None if later is None else round((later["time"] - earlier["time"]) * 1000, 1)


def bus_figures(items):
    discoveries, advertisements, connects = [], [], []
    for index, message in enumerate(items):
        if message["kind"] == "method call" and message["member"] == "RegisterAdvertisement":
            added = first_after(items, index, lambda m: m["member"] == "InterfacesAdded"
                                and 'object path "%s"' % PRINTER_DEVICE in m["body"][:200])
            advertisements.append({"path": message["path"], "toPrinterDevice_ms": ms(added, message)})
        if message["kind"] == "method call" and message["member"] == "StartDiscovery":
            added = first_after(items, index, lambda m: m["member"] == "InterfacesAdded"
                                and 'object path "%s"' % PRINTER_DEVICE in m["body"][:200])
            discoveries.append({"path": message["path"], "toPrinterDevice_ms": ms(added, message)})
        if message["kind"] == "method call" and message["member"] == "Connect" and message["path"] == PRINTER_DEVICE:
            serial, sender = message["serial"], message["sender"]
            connected = first_after(items, index, lambda m: m["path"] == PRINTER_DEVICE and changed(m, "Connected", "true"))
            reply = first_after(items, index, lambda m: m["kind"] in ("method return", "error") and m["reply"] == serial
                                and m["destination"] == sender)
            resolved = first_after(items, index, lambda m: m["path"] == PRINTER_DEVICE and changed(m, "ServicesResolved", "true"))
            connects.append({"toConnected_ms": ms(connected, message), "toReply_ms": ms(reply, message),
                             "replyKind": reply["kind"] if reply else None, "toServicesResolved_ms": ms(resolved, message)})
    writes = sum(1 for m in items if m["kind"] == "method call" and m["member"] == "WriteValue"
                 and (m["path"] or "").startswith(PRINTER_DEVICE))
    return {"startDiscovery": discoveries, "registerAdvertisement": advertisements, "connect": connects, "writeValueCallsOnPrinter": writes}


def main(out):
    figures = {}
    env_path = os.path.join(out, "timings.env")
    if os.path.exists(env_path):
        for line in open(env_path):
            key, _, value = line.strip().partition("=")
            if key:
                figures[key] = int(value) if value.lstrip("-").isdigit() else (value or None)
    trace = os.path.join(out, "dbus-monitor.txt")
    result = {"hostLoadAverage": os.environ.get("REALBLUEZ_HOST_LOADAVG"), "cli": figures,
              "bus": bus_figures(messages(trace)) if os.path.exists(trace) else None}
    with open(os.path.join(out, "timings.json"), "w") as target:
        json.dump(result, target, indent=2)
        target.write("\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
