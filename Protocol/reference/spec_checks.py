#!/usr/bin/env python3
"""Behaviour the spec states but no vector covers, checked on this implementation (this is my reading of
SPEC.md, not a contract; each case cites the rule).  Prints one line per group, then "N passed, N failed".
"""

import sys

import codec
import cpace
import framing
import roles
from framing import ProtocolError, Reassembler, fragment


def kind_of(frags, mtu=23):
    """Feed fragments; the §6.4 error kind raised, or the reassembled message's length."""
    r = Reassembler(mtu)
    try:
        for f in frags:
            out = r.receive(bytes.fromhex(f) if isinstance(f, str) else f)
        return f"complete {len(out)}" if out is not None else "incomplete"
    except ProtocolError as e:
        return e.kind


FRAMING = [  # (what, fragments at MTU 23, expected)  -- §6.4 table, row by row
    ("empty fragment", [""], "malformedFragment"),
    ("FIRST shorter than 3 octets", ["c000"], "malformedFragment"),
    ("FIRST with empty payload", ["800005"], "malformedFragment"),
    ("fragment longer than V (21 > 20)", ["c00012" + "00" * 18], "fragmentTooLarge"),
    ("announced length 2049", ["800801" + "00" * 17], "messageTooLarge"),
    ("announced length 2048 accepted", ["800800" + "00" * 17], "incomplete"),
    ("continuation without FIRST", ["4100"], "missingFirstFragment"),
    ("FIRST while in progress", ["800030" + "00" * 17, "800030" + "00" * 17], "unexpectedFirstFragment"),
    ("lost fragment (SEQ 2 after 0)", ["800030" + "00" * 17, "02" + "00" * 19], "fragmentOutOfOrder"),
    ("repeated fragment (SEQ 1 twice)", ["800030" + "00" * 17, "01" + "00" * 19, "01" + "00" * 11],
     "fragmentOutOfOrder"),
    ("FIRST with SEQ 1", ["c10001" + "00"], "fragmentOutOfOrder"),
    ("payload beyond the announced length", ["c00001" + "0000"], "fragmentOverflow"),
    ("length reached without LAST", ["800001" + "00"], "fragmentOverflow"),
    ("LAST before the length", ["c00005" + "00"], "truncatedMessage"),
    ("single-fragment message", ["c00001" + "20"], "complete 1"),
]


def framing_cases(results):
    for what, frags, want in FRAMING:
        results.append((f"§6.4 {what}", kind_of(frags), want))
    msg = bytes(range(256)) * 8  # 2048 octets: SEQ wraps modulo 64 (§6.2)
    frags = fragment(msg, 23)
    results.append(("§6.2 SEQ wraps (108 fragments, 2048 octets)", kind_of(frags), "complete 2048"))
    sizes = [1, 19, 5, 19, 1]  # §6.3 (0b9f661): receivers accept any fragment sizes that obey §6.4
    msg, frags, pos = bytes(range(sum(sizes))), [], 0
    for i, n in enumerate(sizes):
        head = bytes([(0x80 if i == 0 else 0) | (0x40 if i == len(sizes) - 1 else 0) | i])
        frags.append(head + (len(msg).to_bytes(2, "big") if i == 0 else b"") + msg[pos:pos + n])
        pos += n
    results.append(("§6.3 uneven fragment sizes accepted", kind_of(frags), "complete 45"))
    results.append(("§6.1 V at MTU 515 / 600", (framing.value_size(515), framing.value_size(600)), (512, 512)))
    results.append(("§5.1 characteristic UUIDs", [str(codec.characteristic_uuid(n))[:8] for n in (1, 2, 3)],
                    ["6fa9a0e5", "6fa9a0e6", "6fa9a0e7"]))


class Counter:
    """Deterministic non-secret randomness for these tests."""

    def __init__(self):
        self.n = 0

    def __call__(self, k):
        self.n += 1
        return bytes([self.n]) * k


def connect(client, printer):
    """Deliver every queued ATT operation both ways until both are quiet."""
    while client.out or printer.out:
        while client.out:
            op, v = client.out.pop(0)
            printer.receive_write(v)
            if op == "write-request":
                while printer.out:
                    client.receive_notification(printer.out.pop(0)[1])
                client.write_acknowledged()
        while printer.out:
            client.receive_notification(printer.out.pop(0)[1])


def brief(events):
    """§13.3 event objects in a compact form for these checks: the event name and its key value."""
    keys = {"attemptRefused": "code", "requestFailed": "code", "authenticationFailed": "attemptsLeft",
            "failed": "error", "identifyRequested": "action"}
    out = []
    for e in events:
        name = e["event"]
        if name == "joinStatus":
            out.append(f"joinStatus({e['stage']}" + (f",{e['reason']}" if "reason" in e else "") + ")")
        elif name in keys:
            out.append(f"{name}({e.get(keys[name])})")
        else:
            out.append(name)
    return out


def pair(pin="12345670"):
    adv = {"version": 1, "auth_method": 0, "short_id": 0x3F0A}
    return roles.Client(Counter(), b"\x10" * 16, adv), roles.Printer(Counter(), pin, 0x3F0A)


def policy_cases(results):
    client, printer = pair()
    for guess in ("00000000", "11111115", "99999995", "12345670"):
        client.start_handshake(guess)
        connect(client, printer)
    results.append(("§11.2/§11.3 three wrong PINs -> 2, 1, lockedOut; then refused",
                    brief(client.events), ["authenticationFailed(2)", "authenticationFailed(1)", "attemptRefused(5)", "attemptRefused(5)"]))
    client, printer = pair()
    client.start_handshake("12345670")
    connect(client, printer)
    results.append(("§9 right PIN without a first request", (brief(client.events), brief(printer.events)),
                    (["authenticated"], ["authenticated"])))
    client.send(codec.set_credentials(b"HomeNet", 3, "short"))  # 5 octets: invalid passphrase (§8.4)
    connect(client, printer)
    results.append(("§8 invalid SetCredentials -> sealed Error(invalidField), session stays",
                    (brief(client.events)[-1], printer.state), ("requestFailed(9)", "authenticated")))
    # §8.1-§8.8 and §13: each request and its answer, one at a time
    client, printer = pair()
    printer.device_info = {"model": b"LaserJet Test 400", "serial": b"CN1", "firmware": b"1", "mac": bytes(6)}
    client.start_handshake("12345670", codec.encode(codec.DEVICE_INFO_REQUEST))
    connect(client, printer)
    client.send(codec.encode(codec.SCAN_REQUEST))
    connect(client, printer)
    before_results = brief(client.events)
    printer.report_scan_results([codec.encode_fields(codec.NETWORK_FIELDS, {
        "ssid": b"HomeNet", "rssi": b"\xd0", "security": b"\x03", "channel": b"\x00\x24", "band": b"\x02"})])
    connect(client, printer)
    client.send(codec.encode(codec.IDENTIFY, action=b"\x01"))
    connect(client, printer)
    client.send(codec.set_credentials(b"HomeNet", 3, "correct horse battery"))
    connect(client, printer)
    joining, client.outstanding = client.outstanding, None  # misbehave on purpose: a request during the join
    client.send(codec.encode(codec.IDENTIFY, action=b"\x02"))
    connect(client, printer)
    client.outstanding = joining
    printer.report_join_status(6, 2)
    connect(client, printer)
    client.send(codec.encode(codec.RESET_NETWORK))
    connect(client, printer)
    results.append(("§13 DeviceInfo, Scan, Identify, join, request during join, Reset",
                    (before_results, brief(client.events), brief(printer.events), client.state, printer.state),
                    (["authenticated", "deviceInfo"],
                     ["authenticated", "deviceInfo", "scanResults", "identified",
                      "joinStatus(1)", "requestFailed(7)", "joinStatus(6,2)", "resetDone"],
                     ["authenticated", "scanRequested", "identifyRequested(1)",
                      "joinRequested", "resetRequested"], "closed", "closed")))
    # §9.2: a low-order share gives K = 0: Error(authenticationFailed) and no attempt counted
    client, printer = pair()
    hello = codec.encode(codec.CLIENT_HELLO, versions=b"\x01", sid=b"\x01" * 16, client_id=b"\x02" * 16,
                         share=bytes(32))
    for f in fragment(hello, 23):
        printer.receive_write(f)
    results.append(("§9.2 all-zero K: Error(3), attempt not counted",
                    (printer.out[-1][1].hex(), printer.attempts_left), ("c000050f81000103", 3)))
    # §9.5: a ServerHello choosing 1 while both list 2 must fail the client's version check
    adv = {"version": 2, "auth_method": 0, "short_id": 0x3F0A}
    client = roles.Client(Counter(), b"\x10" * 16, adv, offered=b"\x01\x02")
    client.start_handshake("12345670")
    sh = codec.encode(codec.SERVER_HELLO, chosen=b"\x01", supported=b"\x01\x02", nonce=b"\x03" * 16,
                      share=cpace.share(b"\x04" * 32, cpace.calculate_generator(b"x", b"y", b"z")[3]),
                      confirmation=b"\x05" * 32)
    for f in fragment(sh, 23):
        client.receive_notification(f)
    results.append(("§9.5 downgrade (chosen 1 of [1,2]) rejected", brief(client.events), ["failed(unsupportedVersion)"]))
    # §13.2: a known record not allowed in the state (ClientFinish in AwaitHello) is fatal unexpectedMessage
    client, printer = pair()
    for f in fragment(codec.encode(codec.CLIENT_FINISH, confirmation=b"\x01" * 32), 23):
        printer.receive_write(f)
    results.append(("§13.2 ClientFinish in AwaitHello -> Error(unexpectedMessage), closed",
                    (printer.out[-1][1].hex(), brief(printer.events), printer.state),
                    ("c000050f81000107", ["failed(unexpectedMessage)"], "closed")))
    # §8 wrong direction: a sealed JoinStatus from the client is fatal; the client's request during a join is not
    client, printer = pair()
    client.start_handshake("12345670")
    connect(client, printer)
    client.outstanding = None
    client._write(bytes([codec.SEALED]) + client.c2p.seal(codec.join_status(1), bytes([codec.SEALED])))
    connect(client, printer)
    results.append(("§8 wrong direction (JoinStatus from the client) -> fatal unexpectedMessage",
                    (brief(printer.events)[-1], printer.state), ("failed(unexpectedMessage)", "closed")))


def busy_cases(results):
    """§11.4 and §13.1: a second client never disturbs a session in progress."""
    adv = {"version": 1, "auth_method": 0, "short_id": 0x3F0A}
    client, printer = roles.Client(Counter(), b"\x10" * 16, adv, mtu=185), roles.Printer(Counter(), "12345670", 0x3F0A, mtu=185)
    client.start_handshake("12345670", codec.set_credentials(b"HomeNet", 1, "correct horse battery"))
    connect(client, printer)
    stranger = roles.Client(Counter(), b"\x20" * 16, {"version": 1, "auth_method": 0, "short_id": 0x3F0A}, mtu=185)
    stranger.start_handshake("12345670")
    printer.receive_write(stranger.out[-1][1])  # one fragment at MTU 185, on the holding connection
    if printer.write_answer == "busy":
        stranger.write_refused_busy()
    results.append(("§11.4 rule 2: ClientHello on the holding connection -> busy in the Write Response, session kept",
                    (printer.write_answer, printer.out, printer.state, printer.attempts_left, brief(stranger.events)),
                    ("busy", [], "authenticated", 3, ["attemptRefused(6)"])))
    for f in fragment(codec.error_message(6), 185):
        client.receive_notification(f)
    printer.report_join_status(5, None, bytes([192, 168, 1, 57, 24]))
    connect(client, printer)
    results.append(("§13.1 a plain Error reaching an authenticated client is ignored",
                    (brief(client.events), client.state), (["authenticated", "joinStatus(1)", "joinStatus(5)"], "authenticated")))
    idle, _ = pair()
    for f in fragment(codec.error_message(6), 23) + [bytes.fromhex("800030") + bytes(17)]:
        idle.receive_notification(f)
    results.append(("§13.1 notifications reaching an idle client are ignored", (idle.events, idle.state), ([], "idle")))


def ambiguity_cases(results):
    """Issue 10 item 9: the answers SPEC.md gives (§7.4, §9.6, §13.1)."""
    adv = {"version": 1, "auth_method": 0, "short_id": 0x3F0A}

    def server_hello(**changes):
        values = dict(chosen=b"\x01", supported=b"\x01", nonce=b"\x03" * 16,
                      share=cpace.share(b"\x04" * 32, cpace.calculate_generator(b"x", b"y", b"z")[3]),
                      confirmation=b"\x05" * 32)
        values.update(changes)
        return codec.encode(codec.SERVER_HELLO, **values)

    def client_on(message):
        client = roles.Client(Counter(), b"\x10" * 16, adv)
        client.start_handshake("12345670")
        for f in fragment(message, 23):
            client.receive_notification(f)
        return brief(client.events)

    good = server_hello()
    fields, body = [], good[1:]
    while body:
        n = 3 + int.from_bytes(body[1:3], "big")
        fields, body = fields + [body[:n]], body[n:]
    results.append(("§7.4 field 5 not last -> malformedMessage",
                    client_on(bytes([codec.SERVER_HELLO]) + b"".join(fields[:3] + [fields[4], fields[3]])),
                    ["failed(malformedMessage)"]))
    results.append(("§7.4 an octet after field 5 -> malformedMessage", client_on(good + b"\x00"),
                    ["failed(malformedMessage)"]))
    results.append(("§7.4 chosen 2 not in supported [1] -> invalidField before unsupportedVersion",
                    client_on(server_hello(chosen=b"\x02")), ["failed(invalidField)"]))
    results.append(("§9.6 (2) all-zero K on the client -> invalidShare", client_on(server_hello(share=bytes(32))),
                    ["failed(invalidShare)"]))
    client, printer = pair()
    client.start_handshake("12345670")
    connect(client, printer)
    for f in fragment(good, 23):  # a repeated ServerHello after authentication
        client.receive_notification(f)
    results.append(("§13.1 a repeated ServerHello after authentication -> unexpectedMessage",
                    brief(client.events), ["authenticated", "failed(unexpectedMessage)"]))


def main():
    results = []
    framing_cases(results)
    policy_cases(results)
    busy_cases(results)
    ambiguity_cases(results)
    failed = 0
    for what, got, want in results:
        ok = got == want
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f": got {got!r}, want {want!r}"))
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
