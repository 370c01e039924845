"""SPEC §9.1-§9.4 and §10: CPace inputs, transcript hash, key schedule, confirmation tags, AEAD channel.

The AEAD is ChaCha20-Poly1305 from the `cryptography` package; HKDF and HMAC are the standard library's.
"""

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import cpace
from framing import ProtocolError

BUTTON_PRS = b"smartsetup button mode: no PIN, eavesdropper protection only"  # §9.1
LABELS = {  # §9.4: label -> length
    "printer_confirmation": (b"smartsetup v1 printer confirmation", 64),
    "client_confirmation": (b"smartsetup v1 client confirmation", 64),
    "c2p_key": (b"smartsetup v1 client to printer key", 32),
    "p2c_key": (b"smartsetup v1 printer to client key", 32),
    "c2p_iv": (b"smartsetup v1 client to printer iv", 12),
    "p2c_iv": (b"smartsetup v1 printer to client iv", 12),
}
MAX_MESSAGES = 2**32  # §10: a side stops after 2^32 messages in one direction


def channel_identifier(auth_method: int, short_id: int, client_id: bytes) -> bytes:
    """§9.1: CI = lv_cat("smartsetup", [auth method], u16be short id, client id) - no version."""
    return cpace.lv_cat(b"smartsetup", bytes([auth_method]), short_id.to_bytes(2, "big"), client_id)


def ad_client(offered: bytes) -> bytes:
    """§9.1: ADa = "C" || n || offered versions (n taken as one octet)."""
    return b"C" + bytes([len(offered)]) + offered


def ad_printer(chosen: int, supported: bytes, nonce: bytes) -> bytes:
    """§9.1: ADb = "P" || chosen || m || supported versions || nonce (m taken as one octet)."""
    return b"P" + bytes([chosen, len(supported)]) + supported + nonce


def transcript_hash(client_hello: bytes, server_hello_prefix: bytes) -> bytes:
    """§9.3: TH = SHA-512(u16be(len CH) || CH || u16be(len SHp) || SHp)."""
    return hashlib.sha512(len(client_hello).to_bytes(2, "big") + client_hello
                          + len(server_hello_prefix).to_bytes(2, "big") + server_hello_prefix).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 HKDF-Expand with SHA-512."""
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha512).digest()
        out, i = out + t, i + 1
    return out[:length]


def key_schedule(isk: bytes, th: bytes) -> dict:
    """§9.4: PRK = HKDF-Extract(salt = TH, IKM = ISK); every labelled key; both 32-octet tags."""
    prk = hmac.new(th, isk, hashlib.sha512).digest()
    keys = {name: hkdf_expand(prk, label, n) for name, (label, n) in LABELS.items()}
    keys["printer_tag"] = hmac.new(keys["printer_confirmation"], th, hashlib.sha512).digest()[:32]
    keys["client_tag"] = hmac.new(keys["client_confirmation"], th, hashlib.sha512).digest()[:32]
    return keys


def nonce(iv: bytes, counter: int) -> bytes:
    """§10: nonce = IV XOR (0x00000000 || u64be(counter))."""
    return bytes(a ^ b for a, b in zip(iv, bytes(4) + counter.to_bytes(8, "big")))


class Direction:
    """One direction of §10: key, IV and an implicit counter starting at 0."""

    def __init__(self, key: bytes, iv: bytes):
        self.aead, self.iv, self.counter = ChaCha20Poly1305(key), iv, 0

    def _next(self) -> bytes:
        if self.counter >= MAX_MESSAGES:
            raise ProtocolError("counterExhausted")
        n = nonce(self.iv, self.counter)
        self.counter += 1
        return n

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """ciphertext || tag; the counter then increments."""
        return self.aead.encrypt(self._next(), plaintext, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """Opens with the expected counter; any failure is decryptionFailed."""
        n = self._next()
        try:
            return self.aead.decrypt(n, sealed, aad)
        except InvalidTag:
            raise ProtocolError("decryptionFailed") from None
