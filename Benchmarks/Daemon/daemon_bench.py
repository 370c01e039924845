#!/usr/bin/python3
"""Figures of the kiosk service (`smartsetup serve`, io.smartsetup1) measured from outside.

A D-Bus client written from Protocol/dbus-api.md (python3-dbus, GLib main loop) and /proc:
- idle: the daemon's RSS (VmRSS) and its wake-ups over --idle seconds, counted as the growth
  of voluntary_ctxt_switches + nonvoluntary_ctxt_switches summed over every thread
  (/proc/PID/task/*/status; a thread that wakes up and sleeps again counts at least one
  voluntary switch), and the CPU time (utime + stime of /proc/PID/stat) it used meanwhile; the
  threads that woke are listed by name. This client sends nothing while it measures.
- one printer: Manager1.Pair for --single (PIN from the printer's display, passphrase as a
  pipe), wall time from the call to the job's final state, and the daemon's CPU time;
- a batch: Pair for every printer of --batch in one go (no Adapter key: the daemon spreads
  them), wall time from the first call to the last job's final state, against the one printer
  (ratio), and the daemon's CPU time divided by the number of pairings.
Every job must succeed with an Address; otherwise the figures are printed and the exit code is 1.

PINs come from --pin files (a printed PIN) or else from display lines
`[display 3F0A] ... PIN 1234-5670` (`smartsetup sim` stderr, `smartsetup emulate --auth display`
output) in the --displays files, the last line of each printer read when its job is requested. With --discover the client holds a discovery share and
waits (--find-timeout) until every printer is a Printer1 object, then stops discovery and pairs
(the VM tier: the printers must be heard first).
"""

import argparse
import glob
import os
import re
import sys
import time

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SERVICE = "io.smartsetup1"
MANAGER_PATH = "/io/smartsetup1"
MANAGER = "io.smartsetup1.Manager1"
JOB = "io.smartsetup1.Job1"
PRINTER = "io.smartsetup1.Printer1"
PROPERTIES = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
FINAL_STATES = ("succeeded", "failed", "cancelled")
CALL_TIMEOUT = 10.0
TICKS = os.sysconf("SC_CLK_TCK")


class Failed(Exception):
    """The benchmark cannot go on (one line for a person)."""


# /proc ---------------------------------------------------------------------------------------

def status_fields(path):
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        after_name = f.read().rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / TICKS  # fields 14 and 15


def thread_switches(pid):
    """{tid: (name, voluntary + nonvoluntary context switches)} of every thread now."""
    threads = {}
    for task in glob.glob("/proc/%d/task/*/status" % pid):
        try:
            fields = status_fields(task)
        except OSError:
            continue  # the thread ended meanwhile
        tid = int(task.split("/")[4])
        threads[tid] = (fields["Name"], int(fields["voluntary_ctxt_switches"]) + int(fields["nonvoluntary_ctxt_switches"]))
    return threads


def rss_mb(pid):
    fields = status_fields("/proc/%d/status" % pid)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024, int(fields["Threads"])


def measure_idle(pid, seconds):
    rss, hwm, threads = rss_mb(pid)
    print("idle daemon: RSS %.1f MB (peak so far %.1f MB), %d threads" % (rss, hwm, threads), flush=True)
    before, cpu_before = thread_switches(pid), cpu_seconds(pid)
    time.sleep(seconds)
    after, cpu_after = thread_switches(pid), cpu_seconds(pid)
    woke = []
    total = 0
    for tid, (name, count) in sorted(after.items()):
        grown = count - before.get(tid, (name, 0))[1]
        total += grown
        if grown:
            woke.append("%s[%d] +%d" % (name, tid, grown))
    gone = sorted(set(before) - set(after))
    print("idle daemon over %.0f s: %d wake-ups (context switches, all threads) = %.2f per second (goal: 0); CPU %.0f ms"
          % (seconds, total, total / seconds, (cpu_after - cpu_before) * 1000), flush=True)
    print("  threads that woke: %s%s" % (", ".join(woke) or "none", "; threads ended: %s" % gone if gone else ""), flush=True)
    rss, hwm, threads = rss_mb(pid)
    print("idle daemon after %.0f s: RSS %.1f MB, %d threads" % (seconds, rss, threads), flush=True)


# D-Bus ---------------------------------------------------------------------------------------

class Client:
    def __init__(self, args):
        DBusGMainLoop(set_as_default=True)
        self.args = args
        self.loop = GLib.MainLoop()
        self.bus = dbus.bus.BusConnection(args.bus) if args.bus else dbus.SystemBus()
        self.manager = dbus.Interface(self.bus.get_object(SERVICE, MANAGER_PATH, introspect=False), MANAGER)
        self.jobs = {}  # path -> {"printer", "props", "final_at"}
        self.early = {}  # changes of jobs whose Pair reply has not come yet
        self.printers = set()  # short ids of Printer1 objects
        self.bus.add_signal_receiver(self.changed, "PropertiesChanged", PROPERTIES, SERVICE, path_keyword="path")
        self.bus.add_signal_receiver(self.added, "InterfacesAdded", OBJECT_MANAGER, SERVICE)
        self.waiting_for = None
        self.deadline = 0.0

    def changed(self, interface, changed, invalidated, path=None):
        if interface != JOB:
            return
        path = str(path)
        job = self.jobs.get(path)
        if job is None:
            self.early.setdefault(path, []).append((time.monotonic(), changed))
            return
        self.apply(job, time.monotonic(), changed)

    def apply(self, job, at, changed):
        job["props"].update(changed)
        if str(job["props"].get("State", "")) in FINAL_STATES and int(job["props"].get("ExitCode", -1)) >= 0 and job["final_at"] is None:
            job["final_at"] = at
            self.check_done()

    def added(self, path, interfaces):
        if PRINTER in interfaces:
            self.printers.add(str(interfaces[PRINTER].get("ShortId", "")))
            self.check_done()

    def check_done(self):
        if self.waiting_for is not None and self.waiting_for():
            self.loop.quit()

    def run_until(self, condition, seconds, what):
        self.waiting_for = condition
        self.deadline = time.monotonic() + seconds
        if not condition():
            ticking = [True]

            def tick():
                if time.monotonic() >= self.deadline:
                    ticking[0] = False
                    self.loop.quit()
                return ticking[0]
            source = GLib.timeout_add(200, tick)
            self.loop.run()
            if ticking[0]:
                GLib.source_remove(source)
        self.waiting_for = None
        if not condition():
            raise Failed("%s within %.0f s" % (what, seconds))

    def discover(self, short_ids):
        self.manager.StartDiscovery(timeout=CALL_TIMEOUT)
        objects = self.bus.get_object(SERVICE, "/", introspect=False).GetManagedObjects(dbus_interface=OBJECT_MANAGER, timeout=CALL_TIMEOUT)
        for interfaces in objects.values():
            if PRINTER in interfaces:
                self.printers.add(str(interfaces[PRINTER].get("ShortId", "")))
        started = time.monotonic()
        self.run_until(lambda: set(short_ids) <= self.printers, self.args.find_timeout,
                       "not every printer was heard (%s of %s)" % (sorted(self.printers), short_ids))
        print("discovery: printers %s heard after %.1f s" % (" ".join(short_ids), time.monotonic() - started), flush=True)
        self.manager.StopDiscovery(timeout=CALL_TIMEOUT)  # as a kiosk does once it knows its printers

    def pin(self, short_id):
        for entry in self.args.pin:
            printer, _, path = entry.partition("=")
            if printer == short_id:
                with open(path) as f:
                    return f.read(20).strip()
        found = []
        for path in self.args.displays:
            with open(path, errors="replace") as f:
                found += re.findall(r"\[display %s\].*?PIN (\d{4}-\d{4})" % short_id, f.read())
        if not found:
            raise Failed("printer %s showed no PIN in %s" % (short_id, " ".join(self.args.displays)))
        return found[-1]

    def pair(self, short_id):
        read_end, write_end = os.pipe()
        with open(self.args.passphrase_file, "rb") as f:
            os.write(write_end, f.read(66))
        os.close(write_end)
        request = {
            "Printer": dbus.String(short_id),
            "SSID": dbus.ByteArray(self.args.ssid.encode("utf-8")),
            "Security": dbus.String("wpa2"),
            "Passphrase": dbus.types.UnixFd(read_end),
            "PIN": dbus.String(self.pin(short_id)),
            "Timeout": dbus.Double(self.args.timeout),
        }
        os.close(read_end)  # dbus-python keeps its own duplicate until the call is sent
        path = str(self.manager.Pair(dbus.Dictionary(request, signature="sv"), timeout=CALL_TIMEOUT))
        job = {"printer": short_id, "props": {}, "final_at": None}
        self.jobs[path] = job
        for at, changed in self.early.pop(path, []):
            self.apply(job, at, changed)
        # A job that ended before we subscribed to it is read once.
        props = self.bus.get_object(SERVICE, path, introspect=False).GetAll(JOB, dbus_interface=PROPERTIES, timeout=CALL_TIMEOUT)
        if job["final_at"] is None:
            self.apply(job, time.monotonic(), props)
        return path

    def run_jobs(self, short_ids, label, pid):
        paths = []
        others_before = {name: cpu_seconds(other) for name, other in self.args.also}
        cpu_before = cpu_seconds(pid) if pid else None
        started = time.monotonic()
        for short_id in short_ids:
            paths.append(self.pair(short_id))
        requested = time.monotonic() - started
        self.run_until(lambda: all(self.jobs[p]["final_at"] is not None for p in paths),
                       self.args.timeout + 30, "%s: not every job ended" % label)
        wall = max(self.jobs[p]["final_at"] for p in paths) - started
        cpu = (cpu_seconds(pid) - cpu_before) if pid else None
        failed = []
        for path in paths:
            props = self.jobs[path]["props"]
            ok = str(props.get("State")) == "succeeded" and str(props.get("Address", ""))
            line = "  %s %s: %s after %.0f ms, address %s, adapter %s" % (
                label, self.jobs[path]["printer"], props.get("State"), (self.jobs[path]["final_at"] - started) * 1000,
                props.get("Address", ""), props.get("Adapter", ""))
            if not ok:
                line += " -- %s (%s, exit %s)" % (props.get("Message", ""), props.get("Error", ""), props.get("ExitCode", ""))
                failed.append(self.jobs[path]["printer"])
            print(line, flush=True)
        cpu_text = "; daemon CPU %.0f ms = %.0f ms per pairing" % (cpu * 1000, cpu * 1000 / len(paths)) if pid else ""
        print("%s: %d pairing(s), wall %.0f ms (requests sent in %.0f ms)%s; %d failed"
              % (label, len(paths), wall * 1000, requested * 1000, cpu_text, len(failed)), flush=True)
        if self.args.also:
            print("  %s: CPU meanwhile of %s" % (label, ", ".join(
                "%s %.0f ms" % (name, (cpu_seconds(other) - others_before[name]) * 1000) for name, other in self.args.also)), flush=True)
        return wall, failed


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Figures of smartsetup serve: idle RSS and wake-ups, one pairing, a batch.")
    parser.add_argument("--bus", help="D-Bus address of the service's bus (default: the system bus)")
    parser.add_argument("--pid", type=int, help="the daemon's process id (for /proc figures)")
    parser.add_argument("--also", action="append", default=[], type=lambda text: (text.split("=")[0], int(text.split("=")[1])),
                        metavar="NAME=PID", help="another process whose CPU time is reported for each phase (repeatable)")
    parser.add_argument("--idle", type=float, default=0, help="seconds to measure the idle daemon (0: skip)")
    parser.add_argument("--displays", action="append", default=[], help="a file with the printers' display lines (repeatable)")
    parser.add_argument("--pin", action="append", default=[], metavar="SHORTID=FILE",
                        help="a file holding that printer's PIN (a printed PIN; repeatable), before --displays")
    parser.add_argument("--single", help="short id of the printer paired alone")
    parser.add_argument("--batch", default="", help="short ids paired as one batch, comma-separated")
    parser.add_argument("--discover", action="store_true", help="hold discovery and wait for every printer first")
    parser.add_argument("--find-timeout", type=float, default=60, help="seconds to wait for the printers to be heard")
    parser.add_argument("--ssid", default="HomeNet")
    parser.add_argument("--passphrase-file", required=True)
    parser.add_argument("--timeout", type=float, default=120, help="each job's Timeout in seconds")
    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    batch = [s for s in args.batch.split(",") if s]
    try:
        if args.idle > 0:
            if not args.pid:
                raise Failed("--idle needs --pid")
            measure_idle(args.pid, args.idle)
        if not args.single and not batch:
            return 0
        client = Client(args)
        if args.discover:
            client.discover(([args.single] if args.single else []) + batch)
        failed = []
        single_wall = None
        if args.single:
            single_wall, single_failed = client.run_jobs([args.single], "one printer", args.pid)
            failed += single_failed
        if batch:
            batch_wall, batch_failed = client.run_jobs(batch, "batch of %d" % len(batch), args.pid)
            failed += batch_failed
            if single_wall:
                print("batch of %d: %.0f ms vs one printer %.0f ms -> %.2fx" % (len(batch), batch_wall * 1000, single_wall * 1000, batch_wall / single_wall), flush=True)
        if args.pid:
            rss, hwm, threads = rss_mb(args.pid)
            print("daemon after the pairings: RSS %.1f MB (peak %.1f MB), %d threads" % (rss, hwm, threads), flush=True)
        if failed:
            print("FAILED: %s" % " ".join(failed), flush=True)
            return 1
        return 0
    except Failed as e:
        print("FAILED: %s" % e, flush=True)
        return 1
    except dbus.DBusException as e:
        print("FAILED: %s: %s" % (e.get_dbus_name(), e.get_dbus_message()), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
