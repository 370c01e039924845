#!/usr/bin/env python3
"""Writes field-vectors.json: reference results for GF(2^255 - 19) and Elligator2, computed with
Python's big integers, independently of the Swift code under test.

Run from this directory:  python3 generate_field_vectors.py > field-vectors.json
The seed is fixed so the output is reproducible.
"""
import json
import random

P = 2**255 - 19
A = 486662
Z = 2
SQRT_M1 = pow(2, (P - 1) // 4, P)


def enc(n):
    """32-byte little-endian hex of an integer below 2^256."""
    return n.to_bytes(32, "little").hex()


def dec(h):
    """RFC 7748 decodeUCoordinate: clear bit 255, reduce mod p."""
    return (int.from_bytes(bytes.fromhex(h), "little") & (2**255 - 1)) % P


def is_square(x):
    return x % P == 0 or pow(x, (P - 1) // 2, P) == 1


def sqrt(x):
    c = pow(x, (P + 3) // 8, P)
    return c if c * c % P == x % P else c * SQRT_M1 % P


def elligator2(u):
    """RFC 9380 section 6.7.1 map_to_curve_elligator2 with J = A, K = 1, Z = 2."""
    tv = (1 + Z * u * u) % P
    x1 = (-A * pow(tv, P - 2, P)) % P
    if x1 == 0:
        x1 = (-A) % P
    gx1 = (x1**3 + A * x1 * x1 + x1) % P
    x2 = (-x1 - A) % P
    gx2 = (x2**3 + A * x2 * x2 + x2) % P
    if is_square(gx1):
        x, y, want = x1, sqrt(gx1), 1
    else:
        x, y, want = x2, sqrt(gx2), 0
    if y % 2 != want:
        y = (-y) % P
    return x, y


def main():
    rng = random.Random(0x25519)
    special = [0, 1, 2, 19, P - 1, P, P + 1, P + 18, 2**255 - 1, 2**255, 2**256 - 1, 2**51, 2**52 - 1, 2**204 + 5]
    inputs = special + [rng.getrandbits(256) for _ in range(48)]
    cases = []
    for index, raw_a in enumerate(inputs):
        raw_b = inputs[(index * 7 + 3) % len(inputs)] if index < len(special) else rng.getrandbits(256)
        a, b = dec(enc(raw_a)), dec(enc(raw_b))
        x, y = elligator2(a)
        cases.append({
            "a": enc(raw_a),
            "b": enc(raw_b),
            "a_canonical": enc(a),
            "sum": enc((a + b) % P),
            "difference": enc((a - b) % P),
            "product": enc(a * b % P),
            "square": enc(a * a % P),
            "inverse": enc(pow(a, P - 2, P)),
            "negation": enc(-a % P),
            "a_is_square": is_square(a),
            "elligator2_x": enc(x),
            "elligator2_y": enc(y),
        })
    print(json.dumps({
        "description": (
            "Reference results for GF(2^255-19) and Curve25519 Elligator2 (RFC 9380 6.7.1, Z = 2) computed with "
            "Python big integers by generate_field_vectors.py (seed 0x25519). Every value is 32 bytes little-endian hex. "
            "a and b are raw encodings (some non-canonical: >= p, or with bit 255 set); they are decoded as RFC 7748 "
            "does (bit 255 cleared) and reduced mod p. Results are canonical: a_canonical, sum = a+b, difference = a-b, "
            "product = a*b, square = a^2, inverse = a^(p-2) (0 for 0), negation = -a, a_is_square (Euler's criterion, "
            "0 counts as square), and the Elligator2 map of a as (elligator2_x, elligator2_y) with RFC 9380's sign rule."
        ),
        "p": enc(P),
        "cases": cases,
    }, indent=1))


if __name__ == "__main__":
    main()
