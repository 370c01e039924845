#!/usr/bin/python3
"""Trims a btmon capture (btsnoop monitor format) for committing as a test fixture: keeps every
record except LE advertising reports, of which it keeps the first KEEP that carry the smartsetup
service UUID and none of the others (a scan adds thousands). Also drops btmon's notes and logs.

usage: trim-btsnoop.py IN OUT [KEEP]"""
import struct
import sys

SERVICE_LE = bytes.fromhex("6fa9a0e437104ad4b6d72f426d4f9725")[::-1]


def main():
    source, target = sys.argv[1], sys.argv[2]
    keep = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    data = open(source, "rb").read()
    assert data[:8] == b"btsnoop\0" and struct.unpack(">I", data[12:16])[0] == 2001, "not a monitor capture"
    out, at, kept = [data[:16]], 16, 0
    while at + 24 <= len(data):
        _, included, flags, _, _ = struct.unpack(">IIIIQ", data[at:at + 24])
        packet = data[at + 24:at + 24 + included]
        record = data[at:at + 24 + included]
        at += 24 + included
        opcode = flags & 0xFFFF
        if opcode in (11, 12, 13):  # vendor diagnostics, system notes, user logging
            continue
        if opcode == 3 and len(packet) >= 3 and packet[0] == 0x3E and packet[2] in (0x02, 0x0D):
            if SERVICE_LE in packet and kept < keep:
                kept += 1
                out.append(record)
            continue
        out.append(record)
    open(target, "wb").write(b"".join(out))


main()
