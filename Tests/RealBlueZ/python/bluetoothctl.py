"""Scenario `bluetoothctl`: drives bluetoothctl (on a pty, as a person would) on hci0 against
python/peripheral.py on hci1: scan, devices, connect, `menu gatt`, list-attributes,
select-attribute, read, notify on, write (echoed back as a notification), notify off, disconnect,
remove. Records the cleaned transcript and each step's command and matched output: the simulated
BlueZ must later satisfy the same steps."""

import os
import pty
import re
import select
import subprocess
import time

import bluez

CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x01\x02\r]")
DEVICE = bluez.PERIPHERAL_ADDRESS


class Console:
    """bluetoothctl on a pseudo-terminal; expect() waits for output with a deadline."""

    def __init__(self):
        master, slave = pty.openpty()
        self.process = subprocess.Popen(["bluetoothctl"], stdin=slave, stdout=slave, stderr=slave,
                                        start_new_session=True, env={**os.environ, "TERM": "dumb"})
        os.close(slave)
        self.fd = master
        self.output = ""
        self.position = 0
        self.steps = []

    def _read(self, timeout):
        readable, _, _ = select.select([self.fd], [], [], timeout)
        if readable:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            self.output += CONTROL.sub("", data.decode("utf-8", "replace"))

    def expect(self, pattern, timeout=15):
        """Waits for `pattern` (a regex) in the output after the last match; returns the match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.output, self.position)
            if match:
                self.position = match.end()
                return match.group(0)
            if time.monotonic() >= deadline:
                raise bluez.ScenarioFailure(
                    f"bluetoothctl: no {pattern!r} within {timeout} s; output since the last match:\n"
                    + self.output[self.position:])
            self._read(0.1)

    def step(self, command, *patterns, timeout=15, optional=None):
        """Sends `command` (None: none), waits for its echo and then each pattern in order; then
        up to 3 s for `optional` (recorded as matched or null, never a failure)."""
        started = time.monotonic()
        if command is not None:
            os.write(self.fd, (command + "\n").encode())
            self.expect(re.escape(command[-20:]) + r"\n", timeout)
        matched = [self.expect(p, timeout) for p in patterns]
        record = {"command": command, "expect": list(patterns), "matched": matched}
        if optional is not None:
            try:
                record["optional"] = {"expect": optional, "matched": self.expect(optional, 3)}
            except bluez.ScenarioFailure:
                record["optional"] = {"expect": optional, "matched": None}
        record["seconds"] = round(time.monotonic() - started, 3)
        self.steps.append(record)
        bluez.log(f"{command!r}: {matched} {record.get('optional', '')}")

    def close(self):
        """Ends bluetoothctl (quit, then terminate) and returns the whole cleaned transcript."""
        if self.process.poll() is None:
            try:
                os.write(self.fd, b"quit\n")
                self.process.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                self.process.wait(5)
        self._read(0.2)
        os.close(self.fd)
        return self.output


def wait_for_device(console, peripheral, attempts=4):
    """Waits for bluetoothctl's [NEW] Device line; after each 6 s without it, makes the
    peripheral advertise again (btvirt reports an advertisement only when advertising or
    scanning is enabled, and the kernel can drop that one report; see bluez.discover)."""
    pattern = r"\[NEW\] Device " + DEVICE + r".*"
    for attempt in range(1, attempts + 1):
        try:
            matched = console.expect(pattern, 6)
            console.steps.append({"command": None, "expect": [pattern], "matched": [matched],
                                  "nudges": attempt - 1})
            return
        except bluez.ScenarioFailure:
            if attempt == attempts:
                raise
            bluez.log(f"no [NEW] Device after attempt {attempt}: the peripheral advertises again")
            peripheral.nudge()


def drive(console, peripheral):
    uuid = bluez.SERVICE_UUID
    console.step(None, r"Agent registered")
    console.step("select " + bluez.CENTRAL_ADDRESS)
    console.step("show", r"Controller " + bluez.CENTRAL_ADDRESS + r" \(public\)", r"Powered: yes")
    console.step("menu scan", r"transport")
    console.step("transport le")
    console.step("uuids " + uuid)
    console.step("back", r"Menu main")
    console.step("scan on", r"Discovery started")
    wait_for_device(console, peripheral)
    console.step("scan off", r"Discovery stopped")
    console.step("devices", r"Device " + DEVICE + r".*")
    console.step("info " + DEVICE, r"UUID: .*\(" + uuid + r"\)", r"ManufacturerData Key: 0xffff")
    console.step("connect " + DEVICE, r"Connection successful", r"ServicesResolved: yes", timeout=30)
    console.step("menu gatt", r"list-attributes")
    console.step("list-attributes " + DEVICE, bluez.READ_UUID, bluez.WRITE_UUID, bluez.NOTIFY_UUID)
    console.step("select-attribute " + bluez.READ_UUID, r"/char[0-9a-f]+\]# ")
    console.step("read", r"smartsetup-read")
    console.step("attribute-info", r"Flags: read")
    console.step("select-attribute " + bluez.NOTIFY_UUID, r"/char[0-9a-f]+\]# ")
    console.step("notify on", r"Notify started|Notifying: yes")
    console.step("select-attribute " + bluez.WRITE_UUID, r"/char[0-9a-f]+\]# ")
    # The server echoes the write as a notification. bluetoothctl printed no [CHG] line for it
    # (recorded as optional); the notified Value shows in attribute-info of the notify attribute.
    console.step('write "0x68 0x69"', r"Attempting to write", optional=r"68 69 +hi")
    console.step("select-attribute " + bluez.NOTIFY_UUID, r"/char[0-9a-f]+\]# ")
    console.step("attribute-info", r"UUID: " + bluez.NOTIFY_UUID, r"68 69 +hi", r"Notifying: yes")
    console.step("notify off", r"Notify stopped|Notifying: no")
    console.step("back", r"Menu main")
    console.step("disconnect " + DEVICE, r"Successful disconnected", r"Connected: no", timeout=30)
    console.step("remove " + DEVICE, r"Device has been removed")
    writes = [e for e in peripheral.events() if e["call"] == "WriteValue"]
    bluez.expect([w["value"] for w in writes] == ["6869"], f"the server saw writes {writes}")


def main():
    peripheral = bluez.Peripheral()
    console = None
    try:
        peripheral.wait_ready()
        console = Console()
        drive(console, peripheral)
    finally:
        if console is not None:
            bluez.save_text("transcript.txt", console.close())
            bluez.save_json("steps.json", console.steps)
        peripheral.stop()
        bluez.save_json("server-calls.json", peripheral.events())


bluez.run(main)
