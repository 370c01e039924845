"""Setup PIN: eight decimal digits, the last the WPS checksum of the first seven (hostapd's
wps_pin_checksum/wps_pin_valid), and the typed forms the vectors accept."""

ASCII_SPACE = " \t\n\r"  # §11.6: space, HT, LF, CR only
DIGITS = "0123456789"


class PINError(Exception):
    """kind is one of notDigits, wrongLength, badChecksum."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def checksum(first_seven: str) -> int:
    """hostapd wps_pin_checksum: weights 3,1,3,1,3,1,3 from the first digit; (10 - sum % 10) % 10."""
    accum = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first_seven))
    return (10 - accum % 10) % 10


def parse(text: str) -> str:
    """Typed text to the eight-digit PIN, checks in the order wps-pin.json's description gives."""
    s = text.strip(ASCII_SPACE)
    if any(c not in DIGITS + "- " for c in s):
        raise PINError("notDigits")
    digits = "".join(c for c in s if c in DIGITS)
    if len(digits) != 8:
        raise PINError("wrongLength")
    if s != digits and not (len(s) == 9 and s[4] in "- " and s[:4] + s[5:] == digits):
        raise PINError("notDigits")
    if checksum(digits[:7]) != int(digits[7]):
        raise PINError("badChecksum")
    return digits
