"""SPEC §9, §11, §13: the client (central) and printer (peripheral) as sans-I/O state machines.

Inputs are method calls; outputs accumulate in `out` (ATT operations: ("write-command" | "write-request" |
"notification", value)) and `events` (strings).  Randomness is a callable rng(n) -> n octets.
Not modelled (the vectors carry no time): the §12 timers, PIN expiry, lock-out expiry, busy across connections
(§11.4 rules 1 and 3; rule 2, a ClientHello on the holding connection, is), button window,
PIN rotation (after a lock-out the same PIN stays), the Info characteristic.
"""

import hmac

import cpace
from channel import (BUTTON_PRS, Direction, ad_client, ad_printer, channel_identifier, key_schedule,
                     transcript_hash)
from codec import (ACKNOWLEDGE, APPLICATION_TYPES, CLIENT_FINISH, CLIENT_HELLO, DEVICE_INFO, DEVICE_INFO_REQUEST,
                   ERROR, FIELDS, IDENTIFY, JOIN_STATUS, RESET_NETWORK, SCAN_REQUEST, SCAN_RESULTS, SEALED,
                   SERVER_HELLO, SET_CREDENTIALS, decode, encode, encode_fields, error_message, join_status,
                   RECORD_TYPES, validate_set_credentials)
from framing import ProtocolError, Reassembler, fragment

# §15.1 wire codes
AUTHENTICATION_FAILED, UNSUPPORTED_VERSION, LOCKED_OUT, UNEXPECTED, FRAMING, INVALID_FIELD = 3, 2, 5, 7, 8, 9
MALFORMED, DECRYPTION_FAILED, UNSUPPORTED = 1, 0x0A, 0x0E
STAGES = {1: "received", 2: "associating", 3: "authenticating", 4: "obtainingAddress", 5: "connected", 6: "failed"}
REASONS = {1: "wrongPassphrase", 2: "networkNotFound", 3: "noAddress", 4: "timedOut", 5: "unsupportedSecurity",
           6: "internalError"}
REQUESTS = {DEVICE_INFO_REQUEST, SCAN_REQUEST, SET_CREDENTIALS, IDENTIFY, RESET_NETWORK}  # §8, client -> printer
FRAMING_KINDS = {"malformedFragment", "fragmentTooLarge", "messageTooLarge", "missingFirstFragment",
                 "unexpectedFirstFragment", "fragmentOutOfOrder", "fragmentOverflow", "truncatedMessage"}


def wire_code(kind: str) -> int:
    """§15.3 kind -> §15.1 wire code, for the kinds this implementation raises."""
    if kind in FRAMING_KINDS:
        return FRAMING
    if kind.startswith("invalidField"):
        return INVALID_FIELD
    if kind.startswith(("unknownMessageType", "unsupportedCriticalField")):
        return UNSUPPORTED
    return {"decryptionFailed": DECRYPTION_FAILED, "unsupportedVersion": UNSUPPORTED_VERSION,
            "authenticationFailed": AUTHENTICATION_FAILED, "unexpectedMessage": UNEXPECTED}.get(kind, MALFORMED)


PEER_KINDS = {2: "unsupportedVersion", 3: "authenticationFailed", 4: "pinExpired", 5: "lockedOut", 6: "busy",
              13: "buttonNotPressed", 15: "noActivePIN"}


def peer_kind(code: int) -> str:
    """§15.3: the kind a receiver raises for a peer's Error with this code."""
    return PEER_KINDS.get(code, f"peerReported({code})")


def decode_record(message: bytes, allowed: set):
    """§7.2, §13: an unknown record type is unknownMessageType; a known one not allowed here is unexpectedMessage."""
    mtype, f = decode(message, RECORD_TYPES)
    if mtype not in allowed:
        raise ProtocolError("unexpectedMessage")
    return mtype, f


def kind_name(kind: str) -> str:
    """§13.3: a failed event names the §15.3 kind without its payload (invalidField(ssid) -> invalidField)."""
    return kind.split("(")[0]


def error_event(event: str, f: dict) -> dict:
    """§13.3 attemptRefused / requestFailed / authenticationFailed: the Error's fields that are present."""
    out = {"event": event} if event == "authenticationFailed" else {"event": event, "code": f["code"][0]}
    if "attempts_left" in f:
        out["attemptsLeft"] = f["attempts_left"][0]
    if "retry_after" in f and event != "authenticationFailed":
        out["retryAfter"] = int.from_bytes(f["retry_after"], "big")
    return out


def join_status_event(f: dict) -> dict:
    """§13.3 joinStatus: stage, plus reason (stage 6) or address octets (stage 5)."""
    out = {"event": "joinStatus", "stage": f["stage"][0]}
    if "reason" in f:
        out["reason"] = f["reason"][0]
    if "address" in f:
        out["address"] = f["address"].hex()
    return out


def highest_common(offered: bytes, supported: bytes):
    """§9.5: the highest version in both lists, or None."""
    common = set(offered) & set(supported)
    return max(common) if common else None


class Client:
    """§13.1.  adv is the parsed advertisement (version, auth_method, short_id)."""

    def __init__(self, rng, client_id: bytes, adv: dict, mtu: int = 23, offered: bytes = b"\x01"):
        self.rng, self.client_id, self.adv, self.mtu, self.offered = rng, client_id, adv, mtu, offered
        self.out, self.events, self.queue, self.waiting_ack = [], [], [], False
        self.reassembler, self.state = Reassembler(mtu), "idle"

    # -- writes: one Write Request outstanding (§3) --
    def _write(self, message: bytes):
        self.queue.append(message)
        self._flush()

    def _flush(self):
        if self.waiting_ack or not self.queue:
            return
        frags = fragment(self.queue.pop(0), self.mtu)
        self.out += [("write-command", f) for f in frags[:-1]] + [("write-request", frags[-1])]
        self.waiting_ack = True

    def write_acknowledged(self):
        """The Write Response to the last fragment arrived."""
        self.waiting_ack = False
        self._flush()

    # -- user requests --
    def start_handshake(self, pin, first_request: bytes = None):
        """§9: pin is the 8-digit string, or None for button mode."""
        self.sid, self.ya = self.rng(16), self.rng(32)  # §9.2 draw order
        prs = BUTTON_PRS if pin is None else pin.encode("ascii")
        ci = channel_identifier(self.adv["auth_method"], self.adv["short_id"], self.client_id)
        self.Ya = cpace.share(self.ya, cpace.calculate_generator(prs, ci, self.sid)[3])
        self.client_hello = encode(CLIENT_HELLO, versions=self.offered, sid=self.sid, client_id=self.client_id,
                                   share=self.Ya)
        self.first_request, self.state = first_request, "awaitServerHello"
        self.outstanding = None if first_request is None else first_request[0]
        self._write(self.client_hello)

    def send(self, request: bytes):
        """A sealed application request (§8) in the authenticated state; one outstanding at a time."""
        if self.state != "authenticated" or self.outstanding is not None:
            raise ProtocolError("requestNotAllowed")
        self.outstanding = request[0]
        self._write(bytes([SEALED]) + self.c2p.seal(request, bytes([SEALED])))

    # -- notifications --
    def write_refused_busy(self):
        """§11.4: ATT error 0x08 on the final fragment of ClientHello: refused busy, back to idle, nothing
        counted; on any other write a failed write."""
        self.waiting_ack, self.queue = False, []
        if self.state == "awaitServerHello":
            self.events.append({"event": "attemptRefused", "code": 6})
            self.state = "idle"
        else:
            self.events.append({"event": "failed", "error": "writeFailed"})
            self.state = "closed"

    def receive_notification(self, value: bytes):
        """A notification on Events (one fragment)."""
        if self.state == "closed":
            return
        if self.state == "idle":  # §13.1: nothing on Events is for an idle client
            self.reassembler = Reassembler(self.mtu)
            return
        try:
            message = self.reassembler.receive(value)
            if message is not None:
                self._handle(message)
        except ProtocolError as e:
            self.events.append({"event": "failed", "error": kind_name(e.kind)})
            self.state = "closed"

    def _handle(self, message: bytes):
        if self.state in ("awaitServerHello", "reportingFailure") and message[:1] == bytes([SEALED]):
            return  # §13.1: another client's, on a shared connection
        if self.state == "awaitServerHello":
            mtype, f = decode_record(message, {SERVER_HELLO, ERROR})
            if mtype == ERROR:
                self._refused(f)
            else:
                self._server_hello(message, f)
        elif self.state == "reportingFailure":
            self._refused(decode_record(message, {ERROR})[1])
        elif self.state == "authenticated":
            mtype, f = decode_record(message, {SEALED, ERROR})
            if mtype == ERROR:  # §13.1: never for an authenticated client: another connection's
                return
            plaintext = self.p2c.open(f["sealed"], bytes([SEALED]))
            self._answer(*decode(plaintext, APPLICATION_TYPES), plaintext)
        else:
            raise ProtocolError("unexpectedMessage")

    def _answer(self, mtype: int, f: dict, message: bytes):
        """§13.1 Authenticated rows: answers to the outstanding request, or a sealed Error."""
        expected = {SET_CREDENTIALS: JOIN_STATUS, SCAN_REQUEST: SCAN_RESULTS, DEVICE_INFO_REQUEST: DEVICE_INFO,
                    IDENTIFY: ACKNOWLEDGE, RESET_NETWORK: ACKNOWLEDGE}.get(self.outstanding)
        if mtype == ERROR:
            if self.outstanding is None:
                raise ProtocolError(peer_kind(f["code"][0]))
            self.events.append(error_event("requestFailed", f))
        elif mtype != expected:
            raise ProtocolError("unexpectedMessage")
        elif mtype == JOIN_STATUS:
            self.events.append(join_status_event(f))
            if f["stage"][0] not in (5, 6):
                return
        elif mtype == SCAN_RESULTS:
            self.events.append({"event": "scanResults", "message": message.hex()})
        elif mtype == DEVICE_INFO:
            self.events.append({"event": "deviceInfo", "message": message.hex()})
        elif f["request_type"] != bytes([self.outstanding]):
            raise ProtocolError("unexpectedMessage")
        elif self.outstanding == IDENTIFY:
            self.events.append({"event": "identified"})
        else:
            self.events.append({"event": "resetDone"})
            self.state = "closed"
        self.outstanding = None

    def _refused(self, f: dict):
        code = f["code"][0]
        if code == AUTHENTICATION_FAILED:
            self.events.append(error_event("authenticationFailed", f))
        else:
            self.events.append(error_event("attemptRefused", f))
        self.state = "idle"

    def _server_hello(self, message: bytes, f: dict):
        # §7.4: a chosen version outside the record's own supported list is invalidField(version), found while
        # decoding, so before §9.6 (1) version check, (2) K != 0, (3) derive, (4) printer tag
        if len(f["chosen"]) == 1 and f["chosen"][0] not in f["supported"]:
            raise ProtocolError("invalidField(version)")
        if len(f["chosen"]) != 1 or f["chosen"][0] != highest_common(self.offered, f["supported"]):
            raise ProtocolError("unsupportedVersion")
        try:
            k = cpace.shared_point(self.ya, f["share"])
        except cpace.CPaceAbort:
            raise ProtocolError("invalidShare") from None
        adb = ad_printer(f["chosen"][0], f["supported"], f["nonce"])
        isk = cpace.isk_ir(self.sid, k, self.Ya, ad_client(self.offered), f["share"], adb)
        keys = key_schedule(isk, transcript_hash(self.client_hello, message[:-35]))  # §7.4: SHp
        if not hmac.compare_digest(keys["printer_tag"], f["confirmation"]):
            self.state = "reportingFailure"
            self._write(error_message(AUTHENTICATION_FAILED))
            return
        self.c2p, self.p2c = Direction(keys["c2p_key"], keys["c2p_iv"]), Direction(keys["p2c_key"], keys["p2c_iv"])
        sealed = None if self.first_request is None else self.c2p.seal(self.first_request, bytes([CLIENT_FINISH]))
        self.state = "authenticated"
        self._write(encode(CLIENT_FINISH, confirmation=keys["client_tag"], sealed=sealed))
        self.events.append({"event": "authenticated"})


class Printer:
    """§13.2 with the attempt policy of §11.2/§11.3."""

    def __init__(self, rng, pin, short_id: int, auth_method: int = 0, supported: bytes = b"\x01", mtu: int = 23,
                 attempts: int = 3, device_info: dict = None):
        self.rng, self.pin, self.short_id, self.auth_method = rng, pin, short_id, auth_method
        self.device_info, self.activity = device_info or {}, None  # activity: None, "scanning", "joining"
        self.supported, self.mtu, self.max_attempts, self.attempts_left = supported, mtu, attempts, attempts
        self.out, self.events, self.reassembler, self.state = [], [], Reassembler(mtu), "awaitHello"
        self.write_answer = None  # the answer to the last Write Request: None (success) or "busy" (§11.4)

    def _notify(self, message: bytes):
        self.out += [("notification", f) for f in fragment(message, self.mtu)]

    def _notify_sealed(self, plaintext: bytes):
        self._notify(bytes([SEALED]) + self.p2c.seal(plaintext, bytes([SEALED])))

    def receive_write(self, value: bytes):
        """A Write Command or Write Request on Request."""
        if self.state == "closed":
            return
        self.write_answer = None
        try:
            message = self.reassembler.receive(value)
            if message is not None and message[0] == CLIENT_HELLO and self.state in ("awaitFinish", "authenticated"):
                self.write_answer = "busy"  # §11.4 rule 2: a second client on this connection; nothing changes
                return
            if message is not None:
                self._handle(message)
        except ProtocolError as e:
            if self.state == "awaitFinish":
                self._attempt_failed(notify=False)
            error = error_message(wire_code(e.kind))
            self._notify_sealed(error) if self.state == "authenticated" else self._notify(error)
            self.events.append({"event": "failed", "error": kind_name(e.kind)})
            self.state = "closed"

    def _handle(self, message: bytes):
        if self.state == "awaitHello":
            self._client_hello(decode_record(message, {CLIENT_HELLO})[1], message)
        elif self.state == "awaitFinish":
            mtype, f = decode_record(message, {CLIENT_FINISH, ERROR})
            if mtype == ERROR or not hmac.compare_digest(f["confirmation"], self.keys["client_tag"]):
                self._attempt_failed(notify=True)
                return
            self.attempts_left, self.state = self.max_attempts, "authenticated"
            self.events.append({"event": "authenticated"})
            self.c2p = Direction(self.keys["c2p_key"], self.keys["c2p_iv"])
            self.p2c = Direction(self.keys["p2c_key"], self.keys["p2c_iv"])
            if "sealed" in f:
                self._application(self.c2p.open(f["sealed"], bytes([CLIENT_FINISH])))
        elif self.state == "authenticated":
            _, f = decode_record(message, {SEALED})
            self._application(self.c2p.open(f["sealed"], bytes([SEALED])))
        else:
            raise ProtocolError("unexpectedMessage")

    def _client_hello(self, f: dict, message: bytes):
        if self.attempts_left == 0:  # §11.3 lock-out; time is not modelled, so it never ends here
            self._notify(error_message(LOCKED_OUT, None, 30))  # §8.9: no attempts left on the refusal
            return
        chosen = highest_common(f["versions"], self.supported)
        if chosen is None:
            self._notify(error_message(UNSUPPORTED_VERSION))
            return
        nonce, yb = self.rng(16), self.rng(32)  # §9.2 draw order
        prs = BUTTON_PRS if self.pin is None else self.pin.encode("ascii")
        ci = channel_identifier(self.auth_method, self.short_id, f["client_id"])
        yb_share = cpace.share(yb, cpace.calculate_generator(prs, ci, f["sid"])[3])
        try:
            k = cpace.shared_point(yb, f["share"])
        except cpace.CPaceAbort:
            self._notify(error_message(AUTHENTICATION_FAILED))  # §9.2: no attempt counted
            return
        adb = ad_printer(chosen, self.supported, nonce)
        isk = cpace.isk_ir(f["sid"], k, f["share"], ad_client(f["versions"]), yb_share, adb)
        prefix = bytes([SERVER_HELLO]) + encode_fields(
            {n: v for n, v in FIELDS[SERVER_HELLO].items() if n < 5},
            {"chosen": bytes([chosen]), "supported": self.supported, "nonce": nonce, "share": yb_share})
        self.keys = key_schedule(isk, transcript_hash(message, prefix))
        if self.pin is not None:  # §11.2: counted when ServerHello is sent; §11.5: not in button mode
            self.attempts_left -= 1
        self.state = "awaitFinish"
        self._notify(prefix + b"\x85\x00\x20" + self.keys["printer_tag"])

    def _attempt_failed(self, notify: bool):
        """§11.2/§11.3: report attempts left, or rotate (the new PIN is not modelled) and lock out; §11.5 button
        mode counts nothing and reports no attempts left."""
        button = self.pin is None
        self.events.append({"event": "authenticationFailed", "attemptsLeft": 0 if button else self.attempts_left})
        if not button and self.attempts_left == 0:
            self.events.append({"event": "pinRotated"})
        self.state = "awaitHello"
        if notify:
            if button:
                self._notify(error_message(AUTHENTICATION_FAILED))
            elif self.attempts_left == 0:
                self._notify(error_message(LOCKED_OUT, 0, 30))
            else:
                self._notify(error_message(AUTHENTICATION_FAILED, self.attempts_left))

    def _application(self, plaintext: bytes):
        """§8, §13.2: one request at a time; a request that fails validation gets a sealed Error and the
        session stays up."""
        try:
            mtype, f = decode(plaintext, APPLICATION_TYPES)
            if self.activity is not None:  # §8: a request while scanning or joining
                raise ProtocolError("unexpectedMessage")
            if mtype == SET_CREDENTIALS:
                validate_set_credentials(f)
            if mtype == IDENTIFY and (len(f["action"]) != 1 or f["action"][0] not in (1, 2, 3)):
                raise ProtocolError("invalidField(action)")
        except ProtocolError as e:
            self._notify_sealed(error_message(wire_code(e.kind)))
            return
        if mtype not in REQUESTS:  # §8: a printer-to-client type from the client is fatal (unexpectedMessage)
            raise ProtocolError("unexpectedMessage")
        if mtype == SET_CREDENTIALS:
            self.activity = "joining"
            self.events.append({"event": "joinRequested", "message": encode(SET_CREDENTIALS, **f).hex()})
            self.report_join_status(1)
        elif mtype == SCAN_REQUEST:
            self.activity = "scanning"
            self.events.append({"event": "scanRequested"})
        elif mtype == DEVICE_INFO_REQUEST:
            self._notify_sealed(encode(DEVICE_INFO, **self.device_info))
        elif mtype == IDENTIFY:
            self.events.append({"event": "identifyRequested", "action": f["action"][0]})
            self._notify_sealed(encode(ACKNOWLEDGE, request_type=bytes([IDENTIFY])))
        else:  # RESET_NETWORK, §8.8
            self.events.append({"event": "resetRequested"})
            self._notify_sealed(encode(ACKNOWLEDGE, request_type=bytes([RESET_NETWORK])))
            self.state = "closed"

    def report_join_status(self, stage: int, reason: int = None, address: bytes = None):
        """The application's Wi-Fi layer reports progress (§8.5); a final stage ends the join."""
        if stage in (5, 6):
            self.activity = None
        self._notify_sealed(join_status(stage, reason, address))

    def report_scan_results(self, networks: list):
        """The application's Wi-Fi layer returns networks (each a §8.3 nested TLV body), at most 24 (§8.3)."""
        if len(networks) > 24:  # §8.3: the application chooses which 24
            raise ProtocolError("invalidField(network)")
        self.activity = None
        self._notify_sealed(encode(SCAN_RESULTS, network=networks))
