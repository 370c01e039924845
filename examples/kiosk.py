#!/usr/bin/python3
"""A kiosk client of the smartsetup service (io.smartsetup1), written from Protocol/dbus-api.md.

It registers an io.smartsetup1.Agent1 (the PIN from --pin-file or a prompt, a corrected
passphrase as a file descriptor, the printer's button, Cancel), starts discovery, waits for the
printer, asks the service to pair it (SSID as bytes, passphrase as a pipe's read end, never a
string), follows the job through PropertiesChanged, prints each state for a person and exits with
the job's ExitCode.

Debian: apt-get install python3-dbus python3-gi. Run `kiosk.py --help`; examples/README.md shows a
run against the simulated BlueZ.
"""

import argparse
import os
import sys
import termios

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SERVICE = "io.smartsetup1"
ROOT = "/"
MANAGER_PATH = "/io/smartsetup1"
MANAGER = "io.smartsetup1.Manager1"
JOB = "io.smartsetup1.Job1"
PRINTER = "io.smartsetup1.Printer1"
AGENT = "io.smartsetup1.Agent1"
PROPERTIES = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
AGENT_PATH = "/io/smartsetup1/examples/kiosk/agent"
CANCELED = "io.smartsetup1.Error.Canceled"

FINAL_STATES = ("succeeded", "failed", "cancelled")
CALL_TIMEOUT = 10.0  # seconds for every D-Bus call this client makes
SECRET_LIMIT = 64  # octets of passphrase at most (Passphrase key); a PIN is shorter

# Exit codes of our own failures, from the smartsetup exit-code table (the job's ExitCode otherwise).
EXIT_INTERNAL = 1
EXIT_NO_PRINTER = 12
EXIT_TIMEOUT = 21
EXIT_CANCELLED = 50
EXIT_SERVICE_UNAVAILABLE = 51
EXIT_SERVICE_BUSY = 52
EXIT_NOT_AUTHORIZED = 53
EXIT_USAGE = 64

STATE_TEXT = {
    "queued": "waiting for a free adapter",
    "scanning": "looking for the printer",
    "connecting": "connecting to the printer",
    "authenticating": "checking the PIN",
    "sending": "sending the Wi-Fi settings (encrypted)",
    "joining": "the printer is joining the network",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "cancelled",
}


class UsageError(Exception):
    """A bad option or an unreadable file: exit 64."""


def say(text):
    """One line for the person at the kiosk."""
    print(text, flush=True)


def warn(text):
    print("kiosk: " + text, file=sys.stderr, flush=True)


def read_bounded(path, limit, what):
    """At most `limit` octets of `path`, without one trailing newline; longer is refused, never cut."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 2)
    except OSError as e:
        raise UsageError("cannot read the %s file %s: %s" % (what, path, e.strerror))
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if len(data) > limit:
        raise UsageError("the %s file %s holds more than %d octets" % (what, path, limit))
    if not data:
        raise UsageError("the %s file %s is empty" % (what, path))
    return data


def passphrase_fd(secret):
    """The read end of a pipe holding `secret`, its write end closed (the Passphrase rule)."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, secret)
    finally:
        os.close(write_end)
    return read_end


class LinePrompt:
    """Asks the person for one line on the terminal without blocking the main loop.

    The answer is read from stdin through a GLib watch (echo off for secrets on a terminal), at
    most 128 octets; `done(text)` gets the line, or None on end of input, too long a line or
    `cancel()`.
    """

    LIMIT = 128

    def __init__(self, question, secret, done):
        self.done = done
        self.buffer = b""
        self.fd = sys.stdin.fileno()
        self.saved = None
        if secret and os.isatty(self.fd):
            self.saved = termios.tcgetattr(self.fd)
            quiet = termios.tcgetattr(self.fd)
            quiet[3] &= ~termios.ECHO
            termios.tcsetattr(self.fd, termios.TCSANOW, quiet)
        sys.stderr.write(question)
        sys.stderr.flush()
        self.watch = GLib.io_add_watch(self.fd, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, self._readable)

    def _readable(self, fd, condition):
        chunk = os.read(fd, self.LIMIT + 1) if condition & GLib.IO_IN else b""
        if not chunk:
            self._finish(None)
            return False
        self.buffer += chunk
        if b"\n" in self.buffer:
            line = self.buffer.split(b"\n", 1)[0].rstrip(b"\r")
            self._finish(line.decode("utf-8", "replace") if len(line) <= self.LIMIT else None)
            return False
        if len(self.buffer) > self.LIMIT:
            self._finish(None)
            return False
        return True

    def cancel(self):
        if self.watch is not None:
            GLib.source_remove(self.watch)
            self._finish(None)

    def _finish(self, answer):
        self.watch = None
        if self.saved is not None:
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
            sys.stderr.write("\n")
            self.saved = None
        done, self.done = self.done, None
        if done:
            done(answer)


class KioskAgent(dbus.service.Object):
    """io.smartsetup1.Agent1: the service calls it for the secrets of this client's jobs."""

    def __init__(self, bus, kiosk):
        super().__init__(bus, AGENT_PATH)
        self.kiosk = kiosk
        self.prompt = None
        self.pending_error = None
        self.last_pin = None
        self.last_passphrase = None

    def _decline(self, error, why):
        warn(why)
        error(dbus.DBusException(why, name=CANCELED))

    def _ask(self, question, secret, reply, error, answer):
        """Prompts; `answer(text)` turns the line into the reply's value (or None to decline)."""
        if self.prompt is not None:
            self._decline(error, "a question is open already")
            return

        def done(text):
            self.prompt = None
            self.pending_error = None
            value = answer(text) if text is not None else None
            if value is None:
                error(dbus.DBusException("the person gave no answer", name=CANCELED))
            else:
                reply(value)

        self.pending_error = error
        self.prompt = LinePrompt(question, secret, done)

    @dbus.service.method(AGENT, in_signature="osu", out_signature="s", async_callbacks=("reply", "error"))
    def RequestPIN(self, job, printer, attempt, reply, error):
        self.kiosk.note_job(job)
        if self.kiosk.args.pin_file:
            try:
                pin = read_bounded(self.kiosk.args.pin_file, 16, "PIN").decode("ascii", "replace")
            except UsageError as e:
                self._decline(error, str(e))
                return
            if attempt > 1 and pin == self.last_pin:
                # The same file again would spend another attempt on a PIN the printer refused.
                self._decline(error, "the PIN in %s was wrong; put the new one there and run again" % self.kiosk.args.pin_file)
                return
            self.last_pin = pin
            reply(pin)
            return
        if attempt > 1:
            say("That PIN was wrong.")
        self._ask("PIN shown by printer %s (attempt %d): " % (printer, attempt), True, reply, error,
                  lambda text: text.strip() or None)

    @dbus.service.method(AGENT, in_signature="oay", out_signature="h", async_callbacks=("reply", "error"))
    def RequestPassphrase(self, job, ssid, reply, error):
        self.kiosk.note_job(job)
        name = bytes(ssid).decode("utf-8", "replace")
        say("The network %s refused the passphrase." % name)

        def answer_fd(secret):
            fd = passphrase_fd(secret)
            try:
                return dbus.types.UnixFd(fd)  # dbus-python keeps its own duplicate
            finally:
                os.close(fd)

        if self.kiosk.args.passphrase_file and not os.isatty(sys.stdin.fileno()):
            try:
                secret = read_bounded(self.kiosk.args.passphrase_file, SECRET_LIMIT, "passphrase")
            except UsageError as e:
                self._decline(error, str(e))
                return
            if secret == self.kiosk.passphrase:
                self._decline(error, "the passphrase in %s is the one refused" % self.kiosk.args.passphrase_file)
                return
            reply(answer_fd(secret))
            return
        self._ask("Passphrase of %s: " % name, True, reply, error,
                  lambda text: answer_fd(text.encode("utf-8")) if text else None)

    @dbus.service.method(AGENT, in_signature="os", out_signature="", async_callbacks=("reply", "error"))
    def ConfirmButton(self, job, printer, reply, error):
        self.kiosk.note_job(job)
        if not os.isatty(sys.stdin.fileno()):
            self._decline(error, "printer %s wants its Wi-Fi button pressed and no person is at this terminal" % printer)
            return
        self._ask("Press the Wi-Fi setup button on printer %s, then Enter: " % printer, False,
                  lambda _: reply(), error, lambda text: True)

    @dbus.service.method(AGENT, in_signature="o", out_signature="")
    def Cancel(self, job):
        if self.prompt is not None:
            say("The service withdrew its question.")
            prompt, self.prompt = self.prompt, None
            prompt.cancel()


class Kiosk:
    """The run: discovery, the pairing request, the job's progress; `exit_code` at the end."""

    def __init__(self, args, bus, loop):
        self.args = args
        self.bus = bus
        self.loop = loop
        self.exit_code = EXIT_INTERNAL
        self.done = False
        self.passphrase = None
        self.printers = {}
        self.job_path = None
        self.job = {}
        self.early_signals = {}
        self.shown_state = None
        self.shown_message = None
        self.pair_sent = False
        self.discovering = False
        self.agent_registered = False
        self.cancelling = False
        self.deadline = GLib.get_monotonic_time() + int(args.timeout * 1e6)
        self.manager = dbus.Interface(bus.get_object(SERVICE, MANAGER_PATH, introspect=False), MANAGER)

    # Setup -------------------------------------------------------------------------------------

    def start(self):
        if self.args.security != "open":
            self.passphrase = read_bounded(self.args.passphrase_file, SECRET_LIMIT, "passphrase")
        # Subscribe before asking (api: "A typical session", step 1).
        self.bus.add_signal_receiver(self.interfaces_added, "InterfacesAdded", OBJECT_MANAGER, SERVICE, ROOT)
        self.bus.add_signal_receiver(self.interfaces_removed, "InterfacesRemoved", OBJECT_MANAGER, SERVICE, ROOT)
        self.bus.add_signal_receiver(self.properties_changed, "PropertiesChanged", PROPERTIES, SERVICE,
                                     path_keyword="path")
        self.bus.watch_name_owner(SERVICE, self.owner_changed)
        root = self.bus.get_object(SERVICE, ROOT, introspect=False)
        objects = root.GetManagedObjects(dbus_interface=OBJECT_MANAGER, timeout=CALL_TIMEOUT)
        for path, interfaces in objects.items():
            self.interfaces_added(path, interfaces)
        self.agent = KioskAgent(self.bus, self)
        self.manager.RegisterAgent(dbus.ObjectPath(AGENT_PATH), timeout=CALL_TIMEOUT)
        self.agent_registered = True
        self.manager.StartDiscovery(timeout=CALL_TIMEOUT)
        self.discovering = True
        say("Looking for %s..." % ("printer " + self.args.printer if self.args.printer else "a printer in setup mode"))
        GLib.timeout_add(200, self.tick)
        self.maybe_pair()

    def owner_changed(self, owner):
        if not owner and not self.done:
            warn("the smartsetup service left the bus")
            self.finish(EXIT_SERVICE_UNAVAILABLE)

    # Printers ----------------------------------------------------------------------------------

    def matches(self, printer):
        wanted = self.args.printer
        if not wanted:
            return True
        return (str(printer.get("ShortId", "")).upper() == wanted.upper()
                or str(printer.get("Address", "")).upper() == wanted.upper()
                or str(printer.get("Name", "")) == wanted)

    def interfaces_added(self, path, interfaces):
        if PRINTER in interfaces:
            known = path in self.printers
            self.printers[path] = dict(interfaces[PRINTER])
            if not known:
                p = self.printers[path]
                say("Heard printer %s (%s, %s, %d dBm)" % (p.get("ShortId"), p.get("Name") or "no name",
                                                          p.get("AuthMethod"), int(p.get("RSSI", 0))))
                self.maybe_pair()
        if JOB in interfaces:
            self.properties_changed(JOB, interfaces[JOB], [], path)

    def interfaces_removed(self, path, interfaces):
        if PRINTER in interfaces:
            self.printers.pop(path, None)

    def maybe_pair(self):
        if self.pair_sent or not any(self.matches(p) for p in self.printers.values()):
            return
        self.pair_sent = True
        request = {
            "SSID": dbus.ByteArray(self.args.ssid.encode("utf-8")),
            "Security": dbus.String(self.args.security),
            "Timeout": dbus.Double(max(1.0, self.remaining())),
        }
        if self.args.printer:
            request["Printer"] = dbus.String(self.args.printer)
        fd = None
        if self.passphrase is not None:
            fd = passphrase_fd(self.passphrase)
            request["Passphrase"] = dbus.types.UnixFd(fd)
            os.close(fd)  # the message holds its own copy; the service reads it during the call
        # Asynchronous, like every call from here on: replies and signals are then handled in the
        # order they arrive, so a newer state is never overwritten by an older signal.
        self.manager.Pair(dbus.Dictionary(request, signature="sv"), timeout=CALL_TIMEOUT,
                          reply_handler=self.paired, error_handler=self.refused)

    def paired(self, path):
        self.note_job(path)
        for buffered in self.early_signals.pop(self.job_path, []):
            self.update_job(buffered)
        self.early_signals.clear()
        job = self.bus.get_object(SERVICE, self.job_path, introspect=False)
        job.GetAll(JOB, dbus_interface=PROPERTIES, timeout=CALL_TIMEOUT,
                   reply_handler=self.update_job, error_handler=self.refused)

    def refused(self, e):
        name = e.get_dbus_name()
        warn("the service refused: %s" % e.get_dbus_message())
        codes = {
            "io.smartsetup1.Error.Busy": EXIT_SERVICE_BUSY,
            "io.smartsetup1.Error.InvalidArguments": EXIT_USAGE,
            "io.smartsetup1.Error.NotAuthorized": EXIT_NOT_AUTHORIZED,
            "org.freedesktop.DBus.Error.AccessDenied": EXIT_NOT_AUTHORIZED,
            "io.smartsetup1.Error.ShuttingDown": EXIT_SERVICE_UNAVAILABLE,
            "org.freedesktop.DBus.Error.ServiceUnknown": EXIT_SERVICE_UNAVAILABLE,
        }
        self.finish(codes.get(name, EXIT_INTERNAL))

    # The job -----------------------------------------------------------------------------------

    def note_job(self, path):
        if self.job_path is None:
            self.job_path = str(path)

    def properties_changed(self, interface, changed, invalidated, path=None):
        if interface != JOB or path is None:
            return
        if self.job_path is None:
            # Our job may change before Pair's reply tells us its path.
            self.early_signals.setdefault(str(path), []).append(changed)
        elif path == self.job_path:
            self.update_job(changed)

    def update_job(self, changed):
        self.job.update(changed)
        state = str(self.job.get("State", ""))
        message = str(self.job.get("Message", ""))
        if state != self.shown_state:
            self.shown_state = state
            self.shown_message = message
            say("%-16s %s" % ("[%s]" % state, message or STATE_TEXT.get(state, state)))
        elif message and message != self.shown_message:
            self.shown_message = message
            say("%-16s %s" % ("", message))
        if state in FINAL_STATES and int(self.job.get("ExitCode", -1)) >= 0:
            if state == "succeeded":
                say("Printer %s joined %s at %s." % (self.job.get("Printer"), self.args.ssid, self.job.get("Address")))
            else:
                say("Printer %s was not set up: %s (%s)." % (self.job.get("Printer") or "?", message, self.job.get("Error")))
            self.finish(int(self.job["ExitCode"]))

    # Deadlines and the end ---------------------------------------------------------------------

    def remaining(self):
        return (self.deadline - GLib.get_monotonic_time()) / 1e6

    def tick(self):
        if not self.loop.is_running():
            return False
        left = self.remaining()
        if left > 0:
            return True
        if not self.pair_sent:
            warn("no matching printer was heard within %.0f s" % self.args.timeout)
            self.finish(EXIT_NO_PRINTER)
        elif not self.cancelling and self.job_path:
            # The job has its own Timeout; this is the grace after it.
            if left < -10:
                warn("the job did not end in time; cancelling it")
                self.cancel_job()
        if left < -20:
            warn("the job did not end after being cancelled")
            self.finish(EXIT_TIMEOUT)
        return True

    def cancel_job(self):
        self.cancelling = True
        if self.agent.prompt is not None:
            self.agent.Cancel(dbus.ObjectPath(self.job_path))
        try:
            job = self.bus.get_object(SERVICE, self.job_path, introspect=False)
            job.Cancel(dbus_interface=JOB, timeout=CALL_TIMEOUT)
        except dbus.DBusException as e:
            warn("cancelling failed: %s" % e.get_dbus_message())
            self.finish(EXIT_CANCELLED)

    def interrupted(self):
        say("Interrupted.")
        if self.job_path and not self.cancelling and self.shown_state not in FINAL_STATES:
            self.cancel_job()  # the job ends in `cancelled` and we exit with its code
        else:
            self.finish(EXIT_CANCELLED)
        return True

    def finish(self, code):
        self.done = True
        self.exit_code = code
        if self.loop.is_running():
            self.loop.quit()

    def release(self):
        """Drop our discovery share and agent (leaving the bus would drop them too)."""
        for needed, call in ((self.discovering, "StopDiscovery"), (self.agent_registered, "UnregisterAgent")):
            if not needed:
                continue
            try:
                if call == "UnregisterAgent":
                    self.manager.UnregisterAgent(dbus.ObjectPath(AGENT_PATH), timeout=CALL_TIMEOUT)
                else:
                    self.manager.StopDiscovery(timeout=CALL_TIMEOUT)
            except dbus.DBusException:
                pass  # the service may be gone; nothing of ours is left behind then


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Pair a printer through the smartsetup service (io.smartsetup1).")
    parser.add_argument("--bus", help="D-Bus address of the bus the service is on (default: the system bus)")
    parser.add_argument("--printer", help="short id, Bluetooth address or name (default: the only printer heard)")
    parser.add_argument("--ssid", required=True, help="the Wi-Fi network (1-32 octets as UTF-8)")
    parser.add_argument("--security", default="wpa2", choices=("open", "wpa2", "wpa3", "wpa2-wpa3"))
    parser.add_argument("--passphrase-file", help="file holding the passphrase (one line)")
    parser.add_argument("--pin-file", help="file holding the printer's PIN (else the person is asked)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for the whole run (default 180)")
    args = parser.parse_args(argv)
    if not 1 <= len(args.ssid.encode("utf-8")) <= 32:
        parser.error("--ssid must be 1 to 32 octets")
    if not 0 < args.timeout <= 86400:
        parser.error("--timeout must be above 0 and at most 86400")
    if args.security == "open" and args.passphrase_file:
        parser.error("--passphrase-file does not go with --security open")
    if args.security != "open" and not args.passphrase_file:
        parser.error("--passphrase-file is required unless --security open")
    return args


def main(argv):
    args = parse_arguments(argv)
    DBusGMainLoop(set_as_default=True)
    loop = GLib.MainLoop()
    try:
        bus = dbus.bus.BusConnection(args.bus) if args.bus else dbus.SystemBus()
    except dbus.DBusException as e:
        warn("cannot connect to the bus: %s" % e.get_dbus_message())
        return EXIT_SERVICE_UNAVAILABLE
    kiosk = Kiosk(args, bus, loop)
    for signal in (2, 15):  # SIGINT, SIGTERM
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal, kiosk.interrupted)
    try:
        kiosk.start()
    except UsageError as e:
        warn(str(e))
        return EXIT_USAGE
    except dbus.DBusException as e:
        kiosk.refused(e)
        kiosk.release()
        return kiosk.exit_code
    if not kiosk.done:
        loop.run()
    kiosk.release()
    return kiosk.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
