"""The rules of send.php's channels beyond plain SMS (002): binary messages, voice calls and
the spreading of a mailing over time. Each returns what the core's SendRequest needs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sms_mocks.providers.smsc import codes
from sms_mocks.providers.smsc.endpoint import SmscError

BINARY_PART = 140  # octets in one SMS
BINARY_CONCAT_PART = 134  # with the 6-octet concatenation header in each part
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")
COMMENT_BYTES = b"\n~~~\n"
_PID_DCS = re.compile(r"^pid: (\d{1,3}), dcs: (\d{1,3})$")


@dataclass(frozen=True, slots=True)
class Binary:
    hex: str  # what the history shows, upper-case hex
    parts: int
    pid: str | None = None
    dcs: str | None = None


def binary(mes: str, mode: int, trailer: str, octets: bytes | None = None) -> Binary:
    """bin=1 (the bytes themselves, urlencoded: `octets` as sent, else the text's code points
    as octets) or bin=2 (hex): a UDH-length octet first (0 for none), then the UDH, then the
    payload; "pid: N, dcs: M" after "\\n~~~\\n" sets those."""
    if mode == 2:
        compact = "".join(mes.split())
        if not _HEX.match(compact):
            raise SmscError(codes.PARAMS)
        data = bytes.fromhex(compact)
    elif octets is not None:
        data = octets.partition(COMMENT_BYTES)[0]
    else:
        data = mes.encode("latin-1", "replace")
    if not data or len(data) < 1 + data[0]:
        raise SmscError(codes.PARAMS)  # the UDH it announces is not there
    pid = dcs = None
    if trailer:
        match = _PID_DCS.match(trailer.strip())
        if match is None:
            raise SmscError(codes.PARAMS)
        pid, dcs = match[1], match[2]
    size = len(data)
    parts = 1 if size <= BINARY_PART else math.ceil(size / BINARY_CONCAT_PART)
    return Binary(data.hex().upper(), parts, pid, dcs)


VOICES = frozenset({"m", "m2", "m3", "m4", "w", "w2", "w3", "w4"})
DEFAULT_VOICE = "m3"
# n = 8 tries and w = 25 s; i grows "from 3 to 14 seconds" by default, shown as its first value.
DEFAULT_CALL = (25, 3, 8)
CHARS_A_SECOND = 12  # how fast the voice reads, for the estimate of the call's length
FILE_SECONDS = 30  # the estimate for a call that plays a file (fileurl) without text


def voice(value: str | None) -> str:
    """m..m4, w..w4, optionally with a language ("w,fr"); anything else is error 1."""
    if not value:
        return DEFAULT_VOICE
    name, _, language = value.partition(",")
    name, language = name.strip(), language.strip()
    if name not in VOICES or (language and not language.isalpha()):
        raise SmscError(codes.PARAMS)
    return f"{name},{language}" if language else name


def call_param(value: str | None) -> tuple[int, int, int]:
    """param=w,i,n, clamped as 002 says: w to 10..35, i to at least 10 (at most 3600), n to
    1..9; a value outside what may be given (w 0..99, i, n digits) means all the defaults."""
    if not value:
        return DEFAULT_CALL
    fields = [f.strip() for f in value.split(",")]
    if len(fields) != 3 or not all(f.isascii() and f.isdigit() and len(f) <= 6 for f in fields):
        return DEFAULT_CALL
    w, i, n = (int(f) for f in fields)
    if w > 99 or n > 9:
        return DEFAULT_CALL
    return min(max(w, 10), 35), min(max(i, 10), 3600), max(n, 1)


def call_seconds(text: str, has_file: bool) -> int:
    """The estimate a call is billed by when sent: 002 says the first figure is approximate."""
    seconds = math.ceil(len(text.strip()) / CHARS_A_SECOND)
    if has_file:
        seconds += FILE_SECONDS
    return max(seconds, 1)


def spread(period: str | None, freq: str | None) -> tuple[float, float] | None:
    """period (0.1..720 hours) with freq (1..1440 minutes), as seconds; freq without period is
    ignored (002), and so is period without freq."""
    if not period or not freq:
        return None
    try:
        hours, minutes = float(period), int(freq)
    except ValueError:
        raise SmscError(codes.PARAMS) from None
    if not (0.1 <= hours <= 720 and 1 <= minutes <= 1440):
        raise SmscError(codes.PARAMS)
    return hours * 3600, minutes * 60.0
