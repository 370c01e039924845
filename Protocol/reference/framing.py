"""SPEC §6: fragments and reassembly."""

FIRST, LAST, SEQ_MASK = 0x80, 0x40, 0x3F
MAX_MESSAGE = 2048  # §6.1


class ProtocolError(Exception):
    """One switchable kind (SPEC §15.3); the message never carries a secret."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def value_size(mtu: int) -> int:
    """§6.1: V = clamp(MTU, 23, 515) - 3."""
    return min(max(mtu, 23), 515) - 3


def fragment(message: bytes, mtu: int) -> list[bytes]:
    """§6.3: first fragment header + u16be length + min(L, V-3) octets; then header + min(rest, V-1)."""
    v = value_size(mtu)
    if not 0 < len(message) <= MAX_MESSAGE:
        raise ProtocolError("messageTooLarge")
    chunks = [message[: v - 3]]
    rest = message[v - 3:]
    while rest:
        chunks.append(rest[: v - 1])
        rest = rest[v - 1:]
    out = []
    for i, chunk in enumerate(chunks):
        header = (FIRST if i == 0 else 0) | (LAST if i == len(chunks) - 1 else 0) | (i % 64)
        length = len(message).to_bytes(2, "big") if i == 0 else b""
        out.append(bytes([header]) + length + chunk)
    return out


class Reassembler:
    """§6.4: one message in progress; every violation raises ProtocolError(kind).
    (The 10 s FIRST-to-LAST deadline is not modelled: the vectors carry no time.)"""

    def __init__(self, mtu: int = 23):
        self.mtu = mtu
        self.buffer = None  # bytearray of the message in progress, or None
        self.length = 0
        self.seq = 0

    def receive(self, frag: bytes):
        """Feed one ATT value; returns the complete message, or None while more is expected."""
        # §6.4 checks, in the order the table lists them
        if not frag:
            raise ProtocolError("malformedFragment")
        if len(frag) > value_size(self.mtu):
            raise ProtocolError("fragmentTooLarge")
        header = frag[0]
        first = bool(header & FIRST)
        if first and len(frag) < 3:
            raise ProtocolError("malformedFragment")
        if first and header & SEQ_MASK:
            raise ProtocolError("fragmentOutOfOrder")
        payload = frag[3:] if first else frag[1:]
        if not payload:
            raise ProtocolError("malformedFragment")
        if self.buffer is None:
            if not first:
                raise ProtocolError("missingFirstFragment")
            self.length = int.from_bytes(frag[1:3], "big")
            if self.length > MAX_MESSAGE:
                raise ProtocolError("messageTooLarge")
            self.buffer, self.seq = bytearray(), 0
        else:
            if first:
                raise ProtocolError("unexpectedFirstFragment")
            if header & SEQ_MASK != self.seq:
                raise ProtocolError("fragmentOutOfOrder")
        if len(self.buffer) + len(payload) > self.length:
            raise ProtocolError("fragmentOverflow")
        self.buffer += payload
        self.seq = (self.seq + 1) % 64
        done = len(self.buffer) == self.length
        if header & LAST and not done:
            raise ProtocolError("truncatedMessage")
        if done and not header & LAST:
            raise ProtocolError("fragmentOverflow")
        if not done:
            return None
        message, self.buffer = bytes(self.buffer), None
        return message
