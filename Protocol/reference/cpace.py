"""CPace (draft-irtf-cfrg-cpace-21) with group X25519 and hash SHA-512, from the draft alone.

Standard library only: GF(2^255-19) is plain Python ints, X25519 is the RFC 7748 ladder,
Elligator2 is RFC 9380 section 6.7.1 with Z = 2.  Not constant time: a reference, not a product.
"""

import hashlib

P = 2**255 - 19   # the field GF(p) of Curve25519 (RFC 7748 section 4.1)
A = 486662        # Montgomery coefficient; Curve25519 has B = 1, so RFC 9380's J = A and K = 1
Z = 2             # RFC 9380 section 6.7.1: the non-square Z for curve25519

DSI = b"CPace255"                   # draft section 8.2: G_X25519.DSI
DSI_ISK = DSI + b"_ISK"             # draft section 8.2: G.DSI_ISK
SHA512_BLOCK = 128                  # H.s_in_bytes for SHA-512
IDENTITY = bytes(32)                # G.I, the neutral element's encoding


class CPaceAbort(Exception):
    """scalar_mult_vfy returned G.I: the peer's share is invalid and the protocol MUST abort."""


# --- draft appendix A.1: string utilities ------------------------------------------------------

def prepend_len(data: bytes) -> bytes:
    """A.1.1: the LEB128 length of data, then data."""
    n, out = len(data), bytearray()
    while True:
        if n < 128:
            out.append(n)
            return bytes(out) + data
        out.append(0x80 | (n & 0x7F))
        n >>= 7


def lv_cat(*parts: bytes) -> bytes:
    """A.1.3: concatenation of prepend_len(part) for each part."""
    return b"".join(prepend_len(p) for p in parts)


def lexiographically_larger(a: bytes, b: bytes) -> bool:
    """A.3.1: a > b comparing byte by byte over the common length, then the longer wins."""
    for x, y in zip(a, b):
        if x != y:
            return x > y
    return len(a) > len(b)


def o_cat(a: bytes, b: bytes) -> bytes:
    """A.3.2: b"oc" followed by the larger string, then the other."""
    return b"oc" + (a + b if lexiographically_larger(a, b) else b + a)


def transcript_ir(ya: bytes, ada: bytes, yb: bytes, adb: bytes) -> bytes:
    """A.3.4: initiator-responder transcript."""
    return lv_cat(ya, ada) + lv_cat(yb, adb)


def transcript_oc(ya: bytes, ada: bytes, yb: bytes, adb: bytes) -> bytes:
    """A.3.6: ordered-concatenation transcript (symmetric setting)."""
    return o_cat(lv_cat(ya, ada), lv_cat(yb, adb))


def generator_string(dsi: bytes, prs: bytes, ci: bytes, sid: bytes, s_in_bytes: int) -> bytes:
    """A.2: lv_cat(DSI, PRS, zero padding, CI, sid); the padding fills the hash's first block."""
    zpad = max(0, s_in_bytes - 1 - len(prepend_len(prs)) - len(prepend_len(dsi)))
    return lv_cat(dsi, prs, bytes(zpad), ci, sid)


# --- field and curve ---------------------------------------------------------------------------

def decode_u(u: bytes) -> int:
    """RFC 7748 decodeUCoordinate: little-endian, bit 255 cleared (not reduced: the ladder reduces)."""
    return int.from_bytes(u, "little") & ((1 << 255) - 1)


def encode_u(u: int) -> bytes:
    """RFC 7748 encodeUCoordinate."""
    return (u % P).to_bytes(32, "little")


def is_square(x: int) -> bool:
    """Euler's criterion; 0 counts as a square (RFC 9380 section 4)."""
    return pow(x, (P - 1) // 2, P) in (0, 1)


def inv0(x: int) -> int:
    """RFC 9380 section 4: inverse, with inv0(0) = 0."""
    return pow(x, P - 2, P)


def elligator2(r: int) -> int:
    """RFC 9380 section 6.7.1 map_to_curve_elligator2 for curve25519 (J = A, K = 1, Z = 2); u only."""
    tv1 = Z * r * r % P
    if tv1 == P - 1:
        tv1 = 0
    x1 = (-A * inv0(1 + tv1)) % P
    gx1 = (x1 * x1 * x1 + A * x1 * x1 + x1) % P
    return x1 if is_square(gx1) else (-x1 - A) % P


def clamp(k: bytes) -> int:
    """RFC 7748 decodeScalar25519."""
    b = bytearray(k)
    b[0] &= 248
    b[31] &= 127
    b[31] |= 64
    return int.from_bytes(b, "little")


def x25519(k: bytes, u: bytes) -> bytes:
    """RFC 7748 section 5: the Montgomery ladder."""
    scalar, x1 = clamp(k), decode_u(u) % P
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    for t in reversed(range(255)):
        bit = (scalar >> t) & 1
        if swap ^ bit:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = (x2 + z2) % P, (x2 - z2) % P
        aa, bb = a * a % P, b * b % P
        e = (aa - bb) % P
        c, d = (x3 + z3) % P, (x3 - z3) % P
        da, cb = d * a % P, c * b % P
        x3 = (da + cb) ** 2 % P
        z3 = x1 * (da - cb) ** 2 % P
        x2 = aa * bb % P
        z2 = e * (aa + 121665 * e) % P
    if swap:
        x2, z2 = x3, z3
    return encode_u(x2 * inv0(z2))


def scalar_mult_vfy(y: bytes, g: bytes) -> bytes:
    """Draft section 8.2: X25519, returning G.I (all zero) for low-order input."""
    return x25519(y, g)


# --- draft sections 7 and 8: the protocol ------------------------------------------------------

def calculate_generator(prs: bytes, ci: bytes, sid: bytes) -> tuple[bytes, bytes, int, bytes]:
    """8.1/8.2: (generator_string, its hash truncated to 32 bytes, field element, generator g)."""
    gs = generator_string(DSI, prs, ci, sid, SHA512_BLOCK)
    h = hashlib.sha512(gs).digest()[:32]
    r = decode_u(h)
    return gs, h, r, encode_u(elligator2(r))


def share(y: bytes, g: bytes) -> bytes:
    """7.2: Y = scalar_mult(y, g)."""
    return x25519(y, g)


def shared_point(y: bytes, peer: bytes) -> bytes:
    """7.2: K = scalar_mult_vfy(y, peer); abort if K == G.I."""
    k = scalar_mult_vfy(y, peer)
    if k == IDENTITY:
        raise CPaceAbort("peer share is a low-order point")
    return k


def isk_ir(sid: bytes, k: bytes, ya: bytes, ada: bytes, yb: bytes, adb: bytes) -> bytes:
    """7.2: ISK = H(lv_cat(DSI_ISK, sid, K) || transcript_ir(Ya, ADa, Yb, ADb))."""
    return hashlib.sha512(lv_cat(DSI_ISK, sid, k) + transcript_ir(ya, ada, yb, adb)).digest()


def isk_sy(sid: bytes, k: bytes, ya: bytes, ada: bytes, yb: bytes, adb: bytes) -> bytes:
    """7.2: the symmetric-setting ISK, over transcript_oc."""
    return hashlib.sha512(lv_cat(DSI_ISK, sid, k) + transcript_oc(ya, ada, yb, adb)).digest()


def sid_output(transcript: bytes) -> bytes:
    """10.6: optional session id output, H(b"CPaceSidOutput" || transcript)."""
    return hashlib.sha512(b"CPaceSidOutput" + transcript).digest()
