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

import cpace  # noqa: E402
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


def h(s):
    return bytes.fromhex(s)


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


CHECKS = {
    "cpace-x25519-sha512.json": check_cpace,
    "wps-pin.json": check_wps_pin,
}


def main():
    vectors = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "vectors"
    passed = failed = 0
    for name, fn in CHECKS.items():
        path, c = vectors / name, Checker()
        try:
            fn(json.loads(path.read_text()), c)
        except Exception:
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
