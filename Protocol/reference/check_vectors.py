#!/usr/bin/env python3
"""Check every JSON vector file in Protocol/vectors against this independent implementation.

Usage: python3 check_vectors.py [VECTORS_DIR]     (default: ../vectors next to this file)
Prints one line per vector file, then "N passed, N failed" (vector files); exit status 1 on any failure.
Needs Python 3.10+ and the `cryptography` package (AEAD only); everything else is standard library.
"""

import json
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import channel  # noqa: E402
import codec  # noqa: E402
import cpace  # noqa: E402
import framing  # noqa: E402
import roles  # noqa: E402
import wps_pin  # noqa: E402


class Checker:
    """Collects the outcome of each comparison in one vector file."""

    def __init__(self):
        self.count, self.failures = 0, []

    def eq(self, what, got, want):
        self.count += 1
        if isinstance(got, (bytes, bytearray)):
            got = bytes(got).hex()
        if got != want:
            self.failures.append(f"{what}: got {got!r}, want {want!r}")

    def true(self, what, cond):
        self.eq(what, bool(cond), True)

    def guard(self, what, fn, *args):
        """Run one item's checks; an exception is one failed check, and the other items still run."""
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - reported, not hidden
            self.count += 1
            self.failures.append(f"{what}: {type(e).__name__}: {e}")


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def check_cpace(v, c):
    """cpace-x25519-sha512.json: draft-irtf-cfrg-cpace-21 appendix B.1 and A.1/A.3."""
    i = {k: h(x) for k, x in v["inputs"].items()}
    o = v["outputs"]
    s = v["suite"]
    c.eq("DSI", cpace.DSI, s["DSI"])
    c.eq("DSI_ISK", cpace.DSI_ISK, s["DSI_ISK"])
    gs, gh, r, g = cpace.calculate_generator(i["PRS"], i["CI"], i["sid"])
    c.eq("generator_string", gs, o["generator_string"])
    c.eq("generator_string_hash", gh, o["generator_string_hash"])
    c.eq("decoded_field_element", cpace.encode_u(r), o["decoded_field_element"])
    c.eq("g", g, o["g"])
    ya, yb = cpace.share(i["ya"], g), cpace.share(i["yb"], g)
    c.eq("Ya", ya, o["Ya"])
    c.eq("Yb", yb, o["Yb"])
    k = cpace.shared_point(i["ya"], yb)
    c.eq("K (A)", k, o["K"])
    c.eq("K (B)", cpace.shared_point(i["yb"], ya), o["K"])
    args = (ya, i["ADa"], yb, i["ADb"])
    c.eq("transcript_ir", cpace.transcript_ir(*args), o["transcript_ir"])
    c.eq("isk_input_ir", cpace.lv_cat(cpace.DSI_ISK, i["sid"], k) + cpace.transcript_ir(*args), o["isk_input_ir"])
    c.eq("ISK_IR", cpace.isk_ir(i["sid"], k, *args), o["ISK_IR"])
    c.eq("transcript_oc", cpace.transcript_oc(*args), o["transcript_oc"])
    c.eq("isk_input_oc", cpace.lv_cat(cpace.DSI_ISK, i["sid"], k) + cpace.transcript_oc(*args), o["isk_input_oc"])
    c.eq("ISK_SY", cpace.isk_sy(i["sid"], k, *args), o["ISK_SY"])
    c.eq("sid_output_ir", cpace.sid_output(cpace.transcript_ir(*args)), o["sid_output_ir"])
    c.eq("sid_output_oc", cpace.sid_output(cpace.transcript_oc(*args)), o["sid_output_oc"])
    u = v["string_utilities"]
    for t in u["prepend_len"]:
        c.eq("prepend_len", cpace.prepend_len(h(t["input"])), t["output"])
    for t in u["lv_cat"]:
        c.eq("lv_cat", cpace.lv_cat(*map(h, t["inputs"])), t["output"])
    for t in u["lexiographically_larger"]:
        c.eq("lexiographically_larger", cpace.lexiographically_larger(h(t["a"]), h(t["b"])), t["larger"])
    for t in u["o_cat"]:
        c.eq("o_cat", cpace.o_cat(h(t["a"]), h(t["b"])), t["output"])
    for name, fn in (("transcript_ir", cpace.transcript_ir), ("transcript_oc", cpace.transcript_oc)):
        for t in u[name]:
            c.eq(name, fn(h(t["Ya"]), h(t["ADa"]), h(t["Yb"]), h(t["ADb"])), t["output"])
    lo = v["low_order_points"]
    for t in lo["cases"]:
        q = cpace.scalar_mult_vfy(h(lo["s"]), h(t["u"]))
        c.eq(f"scalar_mult_vfy {t['name']}", q, t["expected"])
        c.eq(f"abort {t['name']}", q == cpace.IDENTITY, t["must_abort"])


def check_wps_pin(v, c):
    """wps-pin.json: hostapd's WPS checksum and the accepted typed forms."""
    for t in v["valid"]:
        c.eq(f"checksum {t['first_seven']}", wps_pin.checksum(t["first_seven"]), t["checksum"])
        c.eq(f"parse {t['pin']}", wps_pin.parse(t["pin"]), t["pin"])
    for t in v["accepted_forms"]:
        c.eq(f"parse {t['input']!r}", wps_pin.parse(t["input"]), t["pin"])
    for t in v["invalid"]:
        try:
            got = "accepted " + wps_pin.parse(t["input"])
        except wps_pin.PINError as e:
            got = e.kind
        c.eq(f"reject {t['input']!r}", got, t["error"])


def check_fragmentation(v, c):
    """fragmentation.json: SPEC §6.3 (fragmenting) and §6.4 (reassembly)."""
    message = h(v["message"])
    for case in v["cases"]:
        frags = framing.fragment(message, case["mtu"])
        c.eq(f"fragments at MTU {case['mtu']}", [f.hex() for f in frags], case["fragments"])
        r, got = framing.Reassembler(case["mtu"]), None
        for f in case["fragments"]:
            got = r.receive(h(f))
        c.eq(f"reassembled at MTU {case['mtu']}", got, v["message"])
        v_size, n = framing.value_size(case["mtu"]), len(message)  # §6.3 formula for the fragment count, with V
        c.eq(f"n(L, V={v_size})", len(frags), 1 if n <= v_size - 3 else 1 + -(-(n - (v_size - 3)) // (v_size - 1)))


def check_framing_errors(v, c):
    """framing-errors.json: SPEC §6.4 - each sequence's last fragment is rejected with the first rule that applies."""
    for case in v["cases"]:
        r, got = framing.Reassembler(v["mtu"]), "accepted"
        for n, f in enumerate(case["fragments"]):
            try:
                r.receive(h(f))
            except framing.ProtocolError as e:
                got = e.kind if n == len(case["fragments"]) - 1 else f"rejected early: {e.kind}"
                break
        c.eq(case["name"], got, case["error"])


def check_key_schedule(v, c):
    """key-schedule.json: SPEC §9.3, §9.4, §10."""
    i = {k: h(x) for k, x in v["inputs"].items()}
    th = channel.transcript_hash(i["client_hello"], i["server_hello_prefix"])
    c.eq("transcript_hash", th, v["transcript_hash"])
    keys = channel.key_schedule(i["isk"], th)
    for name, (label, n) in channel.LABELS.items():
        c.eq(f"label {label.decode()}", keys[name], v["labels"][label.decode()]["output"])
        c.eq(f"length {label.decode()}", n, v["labels"][label.decode()]["length"])
    c.eq("printer_confirmation", keys["printer_tag"], v["printer_confirmation"])
    c.eq("client_confirmation", keys["client_tag"], v["client_confirmation"])
    for t in v["client_nonces"]:
        c.eq(f"nonce {t['counter']}", channel.nonce(keys["c2p_iv"], t["counter"]), t["nonce"])
    seal = {"client-to-printer": channel.Direction(keys["c2p_key"], keys["c2p_iv"]),
            "printer-to-client": channel.Direction(keys["p2c_key"], keys["p2c_iv"])}
    opener = {"client-to-printer": channel.Direction(keys["c2p_key"], keys["c2p_iv"]),
              "printer-to-client": channel.Direction(keys["p2c_key"], keys["p2c_iv"])}
    for t in v["sealed_examples"]:
        d = seal[t["direction"]]
        d.counter = t["counter"]
        c.eq(f"seal {t['direction']} {t['counter']}", d.seal(h(t["plaintext"]), h(t["aad"])), t["sealed"])
        c.eq(f"open {t['direction']} {t['counter']}", opener[t["direction"]].open(h(t["sealed"]), h(t["aad"])),
             t["plaintext"])
    c.guard("handshake", check_handshake, v["handshake"], c)
    try:  # out of order must fail: open example 0 with counter 1
        channel.Direction(keys["c2p_key"], keys["c2p_iv"]).open(h("00") * 17, h("10"))
        c.true("garbage rejected", False)
    except framing.ProtocolError:
        c.true("garbage rejected", True)


def check_handshake(v, c):
    """key-schedule.json handshake: SPEC §9.1-§9.4 from the PIN, ids and drawn randomness of session.json's happy path."""
    ci = channel.channel_identifier(0, 0x3F0A, bytes(range(0x10, 0x20)))
    c.eq("handshake prs", b"12345670", v["prs"])
    c.eq("handshake ci", ci, v["ci"])
    ada, adb = channel.ad_client(b"\x01"), channel.ad_printer(1, b"\x01", h(v["printer_nonce"]))
    c.eq("handshake ada", ada, v["ada"])
    c.eq("handshake adb", adb, v["adb"])
    g = cpace.calculate_generator(h(v["prs"]), ci, h(v["sid"]))[3]
    c.eq("handshake generator", g, v["generator"])
    ya, yb = cpace.share(h(v["ya"]), g), cpace.share(h(v["yb"]), g)
    c.eq("handshake share_a", ya, v["share_a"])
    c.eq("handshake share_b", yb, v["share_b"])
    k = cpace.shared_point(h(v["ya"]), yb)
    c.eq("handshake k", k, v["k"])
    isk = cpace.isk_ir(h(v["sid"]), k, ya, ada, yb, adb)
    c.eq("handshake isk", isk, v["isk"])
    ch = codec.encode(codec.CLIENT_HELLO, versions=b"\x01", sid=h(v["sid"]), client_id=bytes(range(0x10, 0x20)), share=ya)
    c.eq("handshake client_hello", ch, v["client_hello"])
    shp = codec.encode(codec.SERVER_HELLO, chosen=b"\x01", supported=b"\x01", nonce=h(v["printer_nonce"]), share=yb)
    c.eq("handshake server_hello_prefix", shp, v["server_hello_prefix"])
    th = channel.transcript_hash(ch, shp)
    c.eq("handshake transcript_hash", th, v["transcript_hash"])
    keys = channel.key_schedule(isk, th)
    c.eq("handshake printer_confirmation", keys["printer_tag"], v["printer_confirmation"])
    c.eq("handshake client_confirmation", keys["client_tag"], v["client_confirmation"])


def network(ssid, rssi, security, chan, band):
    """One §8.3 network entry (nested TLV)."""
    return codec.encode_fields(codec.NETWORK_FIELDS, {"ssid": ssid, "rssi": (rssi % 256).to_bytes(1, "big"),
                                                      "security": bytes([security]), "channel": codec.u16(chan),
                                                      "band": bytes([band])})


CONNECTED = bytes([192, 168, 1, 57, 24])
# messages.json gives only octets and a prose note: these are the values read from the notes (and, where the
# note is silent, e.g. ScanResults and DeviceInfo, from the hex itself), encoded with this implementation.
MESSAGES = {
    "ClientHello": lambda: codec.encode(1, versions=b"\x01", sid=b"\x11" * 16, client_id=b"\x22" * 16, share=b"\x33" * 32),
    "ServerHello": lambda: codec.encode(2, chosen=b"\x01", supported=b"\x01", nonce=b"\x44" * 16, share=b"\x55" * 32,
                                        confirmation=b"\x66" * 32),
    "ClientFinish": lambda: codec.encode(3, confirmation=b"\x77" * 32, sealed=b"\x88" * 20),
    "ClientFinish-no-request": lambda: codec.encode(3, confirmation=b"\x77" * 32),
    "Error-plain": lambda: codec.error_message(3, 2),
    "Error-lockedOut": lambda: codec.error_message(5, 0, 30),
    "Sealed": lambda: b"\x10" + b"\x99" * 21,
    "DeviceInfoRequest": lambda: codec.encode(0x20),
    "DeviceInfo": lambda: codec.encode(0x21, model=b"LaserJet Test 400", serial=b"CN12345678", firmware=b"2026.11.1",
                                       mac=h("02005e102030")),
    "ScanRequest": lambda: codec.encode(0x22),
    "ScanResults": lambda: codec.encode(0x23, network=[
        network(b"HomeNet", -48, 3, 36, 2), network(b"HomeNet", -55, 3, 6, 1),
        network(b"Neighbours-Guest", -71, 0, 11, 1), network(b"Office 6E", -80, 2, 37, 3), network(b"", -88, 1, 1, 1)]),
    "SetCredentials": lambda: codec.set_credentials(b"HomeNet", 3, "correct horse battery"),
    "SetCredentials-static": lambda: codec.set_credentials(
        h("00ff41"), 1, "a1" * 32, hidden=True, static_ipv4=h("0a000009") + b"\x18" + h("0a000001 0a000001 09090909"),
        hostname="printer-1", disable_wps=True),
    "SetCredentials-open": lambda: codec.set_credentials(b"Cafe", 0),
    "JoinStatus-received": lambda: codec.join_status(1),
    "JoinStatus-associating": lambda: codec.join_status(2),
    "JoinStatus-authenticating": lambda: codec.join_status(3),
    "JoinStatus-obtainingAddress": lambda: codec.join_status(4),
    "JoinStatus-connected": lambda: codec.join_status(5, address=CONNECTED),
    "JoinStatus-failed": lambda: codec.join_status(6, reason=1),
    "Identify": lambda: codec.encode(0x26, action=b"\x03"),
    "ResetNetwork": lambda: codec.encode(0x27),
    "Acknowledge": lambda: codec.encode(0x28, request_type=b"\x26"),
    "Error-sealed": lambda: codec.error_message(9),
    "ManufacturerData": lambda: codec.manufacturer_data(1, 0, False, False, 0x3F0A, 1),
    "AdvertisingData": lambda: codec.advertising_data(codec.manufacturer_data(1, 0, False, False, 0x3F0A, 1)),
    "PublicInfo": lambda: codec.encode(0x30, versions=b"\x01", short_id=h("3f0a"), auth_method=b"\x00",
                                       device_class=b"\x01", model=b"LaserJet Test 400"),
}


# messages.json `fields` use SPEC field names; where this implementation's codec abbreviates them:
SPEC_NAMES = {"session_id": "sid", "chosen_version": "chosen", "supported_versions": "supported",
              "printer_nonce": "nonce", "sealed_message": "sealed"}


def from_fields(mtype, fields):
    """Encode a message from messages.json's `fields` (hex values by SPEC name; network = nested objects)."""
    values = {}
    for name, value in fields.items():
        if name == "network":
            values[name] = [codec.encode_fields(codec.NETWORK_FIELDS, {k: h(x) for k, x in n.items()}) for n in value]
        else:
            values[SPEC_NAMES.get(name, name)] = h(value)
    return codec.encode(mtype, **values)


def check_messages(v, c):
    """messages.json: SPEC §4, §5.2, §7, §8 - encode from values, then decode (and validate) the file's octets."""
    for m in v["messages"]:
        c.guard(m["name"], check_message, m, c)


def check_message(m, c):
    """One messages.json entry: encode from values, decode the octets, re-encode."""
    name, octets = m["name"], h(m["hex"])
    c.true(f"{name}: has an encoder here", name in MESSAGES)
    if name not in MESSAGES:
        return
    c.eq(f"{name} encoding", MESSAGES[name](), m["hex"])
    if "fields" in m:
        c.eq(f"{name} encoding from fields", from_fields(octets[0], m["fields"]), m["hex"])
    if m["kind"] == "advertisement":
        parsed = (codec.parse_advertising_data(octets) if name == "AdvertisingData"
                  else codec.parse_manufacturer_data(octets))
        c.eq(f"{name} parse", (parsed["version"], parsed["auth_method"], parsed["short_id"]), (1, 0, 0x3F0A))
        return
    allowed = {codec.INFO} if m["kind"] == "info-characteristic" else (
        codec.RECORD_TYPES if m["kind"] == "record" else codec.APPLICATION_TYPES)
    mtype, fields = codec.decode(octets, allowed)
    if mtype != codec.SEALED:
        c.eq(f"{name} re-encoding", codec.encode(mtype, **fields), m["hex"])
    if mtype == codec.SET_CREDENTIALS:
        codec.validate_set_credentials(fields)
        c.true(f"{name} validates", True)


def random_source(hexstring):
    """The recorded octets, handed out in order."""
    data = bytearray(h(hexstring))

    def rng(n):
        if len(data) < n:
            raise RuntimeError("recorded randomness exhausted")
        out = bytes(data[:n])
        del data[:n]
        return out
    return rng


def make_roles(s):
    """Both roles as the scenario's machine-readable inputs configure them (auth method, versions, ids)."""
    adv = {"version": s["advertised_version"], "auth_method": s["auth_method"], "short_id": int(s["short_id"], 16)}
    client = roles.Client(random_source(s["central_random"]), h(s["client_id"]), adv, s["mtu"],
                          bytes(s["offered_versions"]))
    printer = roles.Printer(random_source(s["printer_random"]), s.get("pin"), adv["short_id"], s["auth_method"],
                            bytes(s["supported_versions"]), s["mtu"],
                            device_info=codec.decode(h(s["device_info"]), {codec.DEVICE_INFO})[1])
    return client, printer


def act(step, client, printer):
    """Perform one `steps` entry of session.json (SPEC §16)."""
    if step["action"] == "startHandshake":
        client.start_handshake(step.get("pin"), h(step["first_request"]) if "first_request" in step else None)
    elif step["action"] == "send":
        client.send(h(step["request"]))
    elif step["action"] == "pressButton":
        pass  # §11.5: opens the button window; the window (time) is not modelled here
    elif step["action"] == "sendScanResults":
        printer.report_scan_results(codec.decode(h(step["message"]), {codec.SCAN_RESULTS})[1].get("network", []))
    elif step["action"] == "reportJoinStatus":
        f = codec.decode(h(step["message"]), {codec.JOIN_STATUS})[1]
        printer.report_join_status(f["stage"][0], f["reason"][0] if "reason" in f else None, f.get("address"))
    else:
        raise ValueError(f"unknown action {step['action']!r}")


def replay_one_role(s, c, role):
    """Drive one role with the other side's recorded frames; its own frames must come out byte for byte."""
    client, printer = make_roles(s)
    me = client if role == "C" else printer
    mine = "c2p" if role == "C" else "p2c"
    steps = [st for st in s["steps"] if st["actor"] == ("central" if role == "C" else "printer")]
    for n, frame in enumerate(s["frames"]):
        if frame["dir"] == mine:
            while not me.out and steps:
                act(steps.pop(0), client, printer)
            got = me.out.pop(0) if me.out else None
            c.eq(f"{s['name']} {role} frame {n}", got and [got[0], got[1].hex()], [frame["op"], frame["hex"]])
            if role == "C" and got and got[0] == "write-request":
                client.write_acknowledged()
        elif role == "C":
            client.receive_notification(h(frame["hex"]))
        else:
            printer.receive_write(h(frame["hex"]))
    c.eq(f"{s['name']} {role} nothing left", [len(me.out), len(steps)], [0, 0])
    return me.events


def replay_together(s, c):
    """Connect both roles directly; the frame sequence and counts must equal the recording."""
    client, printer = make_roles(s)
    steps, frames = list(s["steps"]), []
    while True:
        if client.out:
            op, value = client.out.pop(0)
            frames.append({"dir": "c2p", "hex": value.hex(), "op": op})
            printer.receive_write(value)
            if op == "write-request":
                while printer.out:  # the Write Response precedes the notifications it caused
                    _, note = printer.out.pop(0)
                    frames.append({"dir": "p2c", "hex": note.hex(), "op": "notification"})
                    client.receive_notification(note)
                client.write_acknowledged()
        elif printer.out:
            _, note = printer.out.pop(0)
            frames.append({"dir": "p2c", "hex": note.hex(), "op": "notification"})
            client.receive_notification(note)
        elif steps:
            act(steps.pop(0), client, printer)
        else:
            break
    c.eq(f"{s['name']} frames (both roles)", frames, s["frames"])
    c.eq(f"{s['name']} att_operations", len(frames), s["att_operations"])
    c.eq(f"{s['name']} round_trips", sum(f["op"] == "write-request" for f in frames), s["round_trips"])
    c.eq(f"{s['name']} central_events", client.events, s["central_events"])
    c.eq(f"{s['name']} printer_events", printer.events, s["printer_events"])


def check_session(v, c):
    """session.json: SPEC §3, §6, §9-§11, §13, §14 - every frame, both roles, events and counts."""
    for s in v["scenarios"]:
        central_events = c.guard(f"{s['name']} central alone", replay_one_role, s, c, "C")
        printer_events = c.guard(f"{s['name']} printer alone", replay_one_role, s, c, "P")
        c.eq(f"{s['name']} central events (alone)", central_events, s["central_events"])
        c.eq(f"{s['name']} printer events (alone)", printer_events, s["printer_events"])
        c.guard(f"{s['name']} both roles", replay_together, s, c)


CHECKS = {
    "cpace-x25519-sha512.json": check_cpace,
    "wps-pin.json": check_wps_pin,
    "fragmentation.json": check_fragmentation,
    "framing-errors.json": check_framing_errors,
    "key-schedule.json": check_key_schedule,
    "messages.json": check_messages,
    "session.json": check_session,
}


def main():
    vectors = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "vectors"
    passed = failed = 0
    for name, fn in CHECKS.items():
        path, c = vectors / name, Checker()
        try:
            fn(json.loads(path.read_text()), c)
        except Exception:  # noqa: BLE001 - a missing or unreadable file is one failed check
            c.count += 1
            c.failures.append(traceback.format_exc().strip().splitlines()[-1])
        if c.failures:
            failed += 1
            print(f"FAIL {name}: {len(c.failures)} of {c.count} checks failed; first: {c.failures[0]}")
        else:
            passed += 1
            print(f"ok   {name}: {c.count} checks")
    for extra in sorted(p.name for p in vectors.glob("*.json") if p.name not in CHECKS):
        print(f"--   {extra}: no checker (not counted)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
