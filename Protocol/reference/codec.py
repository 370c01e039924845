"""SPEC §4.3, §5.2, §7, §8: advertising payload, Info value, TLV fields, records, application messages."""

import uuid

from framing import ProtocolError

SERVICE_UUID = uuid.UUID("6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725")  # §5.1
COMPANY_ID = 0xFFFF                                              # §4.2

# Record types (§7.2) and application message types (§8).
CLIENT_HELLO, SERVER_HELLO, CLIENT_FINISH, ERROR, SEALED = 0x01, 0x02, 0x03, 0x0F, 0x10
DEVICE_INFO_REQUEST, DEVICE_INFO, SCAN_REQUEST, SCAN_RESULTS = 0x20, 0x21, 0x22, 0x23
SET_CREDENTIALS, JOIN_STATUS, IDENTIFY, RESET_NETWORK, ACKNOWLEDGE = 0x24, 0x25, 0x26, 0x27, 0x28
INFO = 0x30

# Field tables: number -> (name, critical, required, repeatable).  Sources: the § in the comment.
FIELDS = {
    CLIENT_HELLO: {1: ("versions", 1, 1, 0), 2: ("sid", 1, 1, 0), 3: ("client_id", 1, 1, 0), 4: ("share", 1, 1, 0)},  # §7.3
    SERVER_HELLO: {1: ("chosen", 1, 1, 0), 2: ("supported", 1, 1, 0), 3: ("nonce", 1, 1, 0), 4: ("share", 1, 1, 0),
                   5: ("confirmation", 1, 1, 0)},                                                            # §7.4
    CLIENT_FINISH: {1: ("confirmation", 1, 1, 0), 2: ("sealed", 1, 0, 0)},                                  # §7.5
    ERROR: {1: ("code", 1, 1, 0), 2: ("attempts_left", 0, 0, 0), 3: ("retry_after", 0, 0, 0)},              # §8.9
    DEVICE_INFO_REQUEST: {}, SCAN_REQUEST: {}, RESET_NETWORK: {},                                           # §8.1
    DEVICE_INFO: {1: ("model", 1, 1, 0), 2: ("serial", 1, 1, 0), 3: ("firmware", 1, 1, 0), 4: ("mac", 1, 1, 0)},  # §8.2
    SCAN_RESULTS: {1: ("network", 1, 0, 1)},                                                                 # §8.3
    SET_CREDENTIALS: {1: ("ssid", 1, 1, 0), 2: ("security", 1, 1, 0), 3: ("passphrase", 1, 0, 0), 4: ("hidden", 1, 0, 0),
                      5: ("static_ipv4", 1, 0, 0), 6: ("hostname", 1, 0, 0), 7: ("disable_wps", 1, 0, 0)},  # §8.4
    JOIN_STATUS: {1: ("stage", 1, 1, 0), 2: ("reason", 1, 0, 0), 3: ("address", 1, 0, 0)},                  # §8.5
    IDENTIFY: {1: ("action", 1, 1, 0)},                                                                      # §8.6
    ACKNOWLEDGE: {1: ("request_type", 1, 1, 0)},                                                             # §8.7
    INFO: {1: ("versions", 1, 1, 0), 2: ("short_id", 1, 1, 0), 3: ("auth_method", 1, 1, 0), 4: ("device_class", 0, 1, 0),
           5: ("model", 0, 1, 0)},                                                                           # §5.2
}
NETWORK_FIELDS = {1: ("ssid", 1, 1, 0), 2: ("rssi", 1, 1, 0), 3: ("security", 1, 1, 0), 4: ("channel", 1, 1, 0),
                  5: ("band", 1, 1, 0)}                                                                      # §8.3
def _versions(v: bytes) -> bool:
    return 1 <= len(v) <= 8 and 0 not in v and len(set(v)) == len(v)


# §7.3-§7.5 value sizes of the handshake records.
HANDSHAKE_SIZES = {
    CLIENT_HELLO: {"versions": _versions, "sid": lambda v: len(v) == 16, "client_id": lambda v: len(v) == 16,
                   "share": lambda v: len(v) == 32},
    SERVER_HELLO: {"chosen": lambda v: len(v) == 1, "supported": _versions, "nonce": lambda v: len(v) == 16,
                   "share": lambda v: len(v) == 32, "confirmation": lambda v: len(v) == 32},
    CLIENT_FINISH: {"confirmation": lambda v: len(v) == 32, "sealed": lambda v: len(v) >= 17},
}
RECORD_TYPES = {CLIENT_HELLO, SERVER_HELLO, CLIENT_FINISH, ERROR, SEALED}
APPLICATION_TYPES = {ERROR, DEVICE_INFO_REQUEST, DEVICE_INFO, SCAN_REQUEST, SCAN_RESULTS, SET_CREDENTIALS, JOIN_STATUS,
                     IDENTIFY, RESET_NETWORK, ACKNOWLEDGE}


# --- §7.1 TLV --------------------------------------------------------------------------------

def encode_fields(table: dict, values: dict) -> bytes:
    """Fields in ascending number order (GUESS: §7.1 does not fix a sender order), absent ones omitted."""
    out = bytearray()
    for num, (name, critical, _, repeatable) in sorted(table.items()):
        if values.get(name) is None:
            continue
        for v in values[name] if repeatable else [values[name]]:
            out += bytes([num | (0x80 if critical else 0)]) + len(v).to_bytes(2, "big") + v
    return bytes(out)


def decode_fields(table: dict, body: bytes) -> dict:
    """§7.1: unknown critical -> unsupportedCriticalField, unknown other -> skipped, duplicates, missing."""
    out, i = {}, 0
    while i < len(body):
        if len(body) - i < 3:
            raise ProtocolError("malformedMessage")
        t, n = body[i], int.from_bytes(body[i + 1:i + 3], "big")
        if len(body) - i - 3 < n:
            raise ProtocolError("malformedMessage")
        value, i = body[i + 3:i + 3 + n], i + 3 + n
        num = t & 0x7F
        if num not in table:
            if t & 0x80:
                raise ProtocolError(f"unsupportedCriticalField({num})")
            continue
        name, _, _, repeatable = table[num]
        if repeatable:
            out.setdefault(name, []).append(value)
        elif name in out:
            raise ProtocolError(f"duplicateField({num})")
        else:
            out[name] = value
    for num, (name, _, required, repeatable) in table.items():
        if required and name not in out:
            raise ProtocolError(f"missingField({num})")
        if repeatable:
            out.setdefault(name, [])
    return out


def encode(mtype: int, **values) -> bytes:
    """A record or application message: type octet, then its TLV body."""
    return bytes([mtype]) + encode_fields(FIELDS[mtype], values)


def decode(data: bytes, allowed: set) -> tuple[int, dict]:
    """Type octet + TLV body; Sealed records keep their opaque body under "sealed"."""
    if not data:
        raise ProtocolError("malformedMessage")
    mtype = data[0]
    if mtype not in allowed:
        raise ProtocolError(f"unknownMessageType({mtype})")
    if mtype == SEALED:
        if len(data) - 1 < 17:  # §7.2: ciphertext (>= 1) || tag (16); read as the body's size
            raise ProtocolError("malformedMessage")
        return mtype, {"sealed": data[1:]}
    fields = decode_fields(FIELDS[mtype], data[1:])
    for name, value in fields.items():
        if mtype in HANDSHAKE_SIZES and name in HANDSHAKE_SIZES[mtype] and not HANDSHAKE_SIZES[mtype][name](value):
            # §7.5: a too-short sealed message is malformed like a short Sealed record (§7.2)
            raise ProtocolError("malformedMessage" if name == "sealed" else f"invalidField({name})")
    if mtype == SERVER_HELLO and not data.endswith(b"\x85\x00\x20" + fields["confirmation"]):
        raise ProtocolError("malformedMessage")  # §7.4: the confirmation ends the record
    return mtype, fields


def u8(n: int) -> bytes:
    return bytes([n])


def u16(n: int) -> bytes:
    return n.to_bytes(2, "big")


# --- typed helpers ----------------------------------------------------------------------------

def error_message(code: int, attempts_left=None, retry_after=None) -> bytes:
    """§8.9 Error, as a plain record or the plaintext of a sealed one (same octets)."""
    return encode(ERROR, code=u8(code), attempts_left=None if attempts_left is None else u8(attempts_left),
                  retry_after=None if retry_after is None else u16(retry_after))


def set_credentials(ssid: bytes, security: int, passphrase=None, hidden=False, static_ipv4=None, hostname=None,
                    disable_wps=False) -> bytes:
    """§8.4; hidden and disable WPS are omitted when false (GUESS, matches messages.json)."""
    return encode(SET_CREDENTIALS, ssid=ssid, security=u8(security),
                  passphrase=None if passphrase is None else passphrase.encode("ascii"),
                  hidden=u8(1) if hidden else None, static_ipv4=static_ipv4,
                  hostname=None if hostname is None else hostname.encode("ascii"),
                  disable_wps=u8(1) if disable_wps else None)


def join_status(stage: int, reason=None, address=None) -> bytes:
    """§8.5: reason iff stage 6, address (4 octets + prefix) iff stage 5."""
    return encode(JOIN_STATUS, stage=u8(stage), reason=None if reason is None else u8(reason), address=address)


def validate_set_credentials(f: dict) -> None:
    """§8.4 validation column; raises ProtocolError("invalidField(<name>)")."""
    def bad(name):
        raise ProtocolError(f"invalidField({name})")
    if not 1 <= len(f["ssid"]) <= 32:
        bad("ssid")
    if len(f["security"]) != 1 or f["security"][0] > 3:
        bad("security")
    sec, pw = f["security"][0], f.get("passphrase")
    if (pw is None) != (sec == 0):
        bad("passphrase")
    if pw is not None:
        is_psk = len(pw) == 64 and all(c in b"0123456789abcdefABCDEF" for c in pw)
        printable = 8 <= len(pw) <= 63 and all(0x20 <= c <= 0x7E for c in pw)
        if not (printable or (is_psk and sec == 1)):
            bad("passphrase")
    for name in ("hidden", "disable_wps"):
        if name in f and f[name] not in (b"\x00", b"\x01"):
            bad(name)
    ip = f.get("static_ipv4")
    if ip is not None and (len(ip) not in (9, 13, 17, 21) or not 1 <= ip[4] <= 32):
        bad("static_ipv4")
    hn = f.get("hostname")
    if hn is not None:
        ok = 1 <= len(hn) <= 63 and hn[:1] != b"-" and hn[-1:] != b"-"
        if not ok or not all(chr(c).isascii() and (chr(c).isalnum() or c == 0x2D) for c in hn):
            bad("hostname")


# --- §4 advertising and §5.2 Info -----------------------------------------------------------

def manufacturer_data(version: int, auth_method: int, provisioned: bool, busy: bool, short_id: int,
                      device_class: int) -> bytes:
    """§4.3: the 5-octet payload."""
    flags = auth_method | (4 if provisioned else 0) | (8 if busy else 0)
    return bytes([version, flags]) + u16(short_id) + bytes([device_class])


def parse_manufacturer_data(data: bytes) -> dict:
    """§4.3 receiver rules: >= 5 octets, version != 0, auth method != 3, extra octets ignored."""
    if len(data) < 5 or data[0] == 0 or data[1] & 3 == 3:
        raise ProtocolError("malformedMessage")
    return {"version": data[0], "auth_method": data[1] & 3, "provisioned": bool(data[1] & 4),
            "busy": bool(data[1] & 8), "short_id": int.from_bytes(data[2:4], "big"),
            "device_class": data[4] if data[4] <= 4 else 0}


def advertising_data(payload: bytes, flags: int = 0x06) -> bytes:
    """§4.1: Flags (added by BlueZ), 128-bit service UUID list, manufacturer data."""
    def ad(t, d):
        return bytes([len(d) + 1, t]) + d
    return (ad(0x01, bytes([flags])) + ad(0x07, SERVICE_UUID.bytes[::-1])
            + ad(0xFF, COMPANY_ID.to_bytes(2, "little") + payload))


def parse_advertising_data(data: bytes) -> dict:
    """Walk the AD structures; require the service UUID and the company id (§4.2)."""
    i, uuids, mfr = 0, [], None
    while i < len(data):
        n = data[i]
        if n == 0 or i + 1 + n > len(data):
            raise ProtocolError("malformedMessage")
        t, d = data[i + 1], data[i + 2:i + 1 + n]
        if t in (0x06, 0x07):
            uuids += [uuid.UUID(bytes=d[j:j + 16][::-1]) for j in range(0, len(d) - 15, 16)]
        elif t == 0xFF and len(d) >= 2 and int.from_bytes(d[:2], "little") == COMPANY_ID:
            mfr = d[2:]
        i += 1 + n
    if SERVICE_UUID not in uuids or mfr is None:
        raise ProtocolError("malformedMessage")
    return parse_manufacturer_data(mfr)


def characteristic_uuid(n: int) -> uuid.UUID:
    """§5.1: service UUID with N added to time_low modulo 2^32."""
    b = SERVICE_UUID.bytes
    return uuid.UUID(bytes=((int.from_bytes(b[:4], "big") + n) % 2**32).to_bytes(4, "big") + b[4:])
