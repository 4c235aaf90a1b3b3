"""One line per provider request (provider, account, endpoint, outcome, status, latency, ids)
and the request counters behind /_mock/metrics.

The request path pays for a tuple and two clock reads: app.py hands over the journal's record
of the request (mocks/journal/recorder.py) with its latency. Understanding it (the journal's
own readers, without the costly refusal explanation) and writing the lines happen in batches on
the app's ticker, every 50 ms, one write a batch; /_mock/metrics flushes first, so its counts
are exact when read.
"""

from __future__ import annotations

import logging
import re
import time
from bisect import bisect_left
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as quoted  # type: ignore[attr-defined]
from typing import TextIO

from sms_mocks.core.gateway import Gateway
from sms_mocks.journal import smsc
from sms_mocks.journal.reading import Reading, bare, read
from sms_mocks.journal.recorder import Raw, Record, fault_outcome
from sms_mocks.providers.smsc.soap.endpoint import PATH as SOAP_PATH

# Latency buckets, seconds: a mock answers in well under a millisecond to a few (faults delay).
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_PENDING = 50_000  # flushed at once past this, if the ticker falls behind
MAX_SERIES = 1000  # label combinations kept; more (hostile SOAP element names) count as "other"

log = logging.getLogger("sms_mocks.observe")
# SMSC HTTP parameters the quick reading needs; anything unusual goes to the journal's reader.
_LOGIN = re.compile(rb"(?:^|&)login=([^&]*)")
_FMT = re.compile(rb"(?:^|&)fmt=([^&]*)")
_FORM = (b"", b"application/x-www-form-urlencoded")
# The two successes send.php answers most (fmt=3 JSON, fmt=0 text) and their ids; any other
# answer is read by the journal's error_code.
_JSON_ID = re.compile(rb'"id":\s*"?([^",}]+)')
_TEXT_ID = re.compile(rb"ID - (\S+)")


class Histogram:
    __slots__ = ("buckets", "count", "total")

    def __init__(self) -> None:
        self.buckets = [0] * (len(BUCKETS) + 1)  # the last is +Inf only
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.buckets[bisect_left(BUCKETS, seconds)] += 1
        self.count += 1
        self.total += seconds

    def cumulative(self) -> list[tuple[str, int]]:
        running, out = 0, []
        for bound, count in zip((*map(repr, BUCKETS), "+Inf"), self.buckets, strict=True):
            running += count
            out.append((bound, running))
        return out


class RequestLog:
    def __init__(self, gateway: Gateway, log_format: str | None, stream: TextIO,
                 on_error: Callable[[], None]) -> None:
        self.gateway = gateway
        self.format = log_format if log_format in ("json", "text") else None
        self.stream = stream
        self.on_error = on_error  # a bug of ours: counted in /_mock/health
        self.pending: list[tuple[Raw, float]] = []
        self.requests: dict[tuple[str, str, str], int] = {}  # (provider, endpoint, outcome)
        self.latency: dict[tuple[str, str], Histogram] = {}  # (provider, endpoint)

    def add(self, raw: Raw, seconds: float) -> None:
        """The hot path's share: keep the journal's tuple and the request's latency."""
        self.pending.append((raw, seconds))
        if len(self.pending) > MAX_PENDING:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        lines = []
        for raw, seconds in batch:
            record = Record(*raw)
            reading = self._reading(record)
            self._count(reading, seconds)
            if self.format is not None:
                lines.append(self._line(record, reading, seconds))
        if lines:
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except (OSError, ValueError):  # stderr closed or full: logging must not crash us
                pass

    def _reading(self, record: Record) -> Reading:
        try:
            # a faulted request takes read(), which words it as what the client got
            quick = None if record.fault is not None else _quick_smsc(record, self.gateway)
            return quick or read(record, self.gateway, explain_refusal=False,
                                 labels_only=self.format is None)
        except Exception:
            log.exception("request log: cannot read request %s to %s", record.seq, record.path)
            self.on_error()
            reading = bare(record)
            reading.outcome = fault_outcome(record) or reading.outcome
            return reading

    def _count(self, reading: Reading, seconds: float) -> None:
        key = (reading.provider, reading.endpoint, reading.outcome)
        if key not in self.requests and len(self.requests) >= MAX_SERIES:
            key = (reading.provider, "other", "other")
        self.requests[key] = self.requests.get(key, 0) + 1
        where = (reading.provider, reading.endpoint)
        histogram = self.latency.get(where)
        if histogram is None:
            if len(self.latency) >= MAX_SERIES:
                where = (reading.provider, "other")
            histogram = self.latency.setdefault(where, Histogram())
        histogram.observe(seconds)

    def _line(self, record: Record, reading: Reading, seconds: float) -> str:
        account = reading.account.login if reading.account is not None else reading.login
        latency = round(seconds * 1000, 3)
        stamp = _timestamp(record.wall)
        if self.format == "json":  # by hand: three times cheaper than json.dumps of a dict
            ids = ",".join(map(quoted, reading.ids))
            fault = f',"fault":{quoted(record.fault)}' if record.fault is not None else ""
            return (f'{{"ts":"{stamp}","provider":"{reading.provider}","endpoint":'
                    f'{quoted(reading.endpoint)},"account":'
                    f'{quoted(account) if account is not None else "null"},"outcome":'
                    f'{quoted(reading.outcome)},"status":{record.status},"latency_ms":{latency},'
                    f'"ids":[{ids}],"method":{quoted(record.method)},"path":'
                    f'{quoted(record.path)},"client":{quoted(record.client)}{fault}}}\n')
        ids = f" ids={_plain(','.join(reading.ids))}" if reading.ids else ""
        fault = f" fault={_plain(record.fault)}" if record.fault is not None else ""
        return (f"{stamp} {reading.provider} {_plain(reading.endpoint)} "
                f"account={_plain(account) if account else '-'} "
                f"outcome={reading.outcome!r} status={record.status} "
                f"latency_ms={latency}{ids}{fault}\n")


def _plain(text: str) -> str:
    """A client's word as one token of a text line: quoted and escaped (repr) when it holds
    spaces, quotes or anything unprintable (a newline would forge a line, ESC colour a terminal)."""
    if text.isprintable() and not any(c.isspace() or c in "'\"=" for c in text):
        return text
    return repr(text)


def _quick_smsc(record: Record, gateway: Gateway) -> Reading | None:
    """An SMSC HTTP request with one plain login and no apikey or charset, read with a regex or
    two instead of a full form parse (what most traffic is); None for anything else, which the
    journal's reader reads."""
    path = record.path
    if not path.startswith("/sys/") or path == SOAP_PATH:
        return None
    data = record.query
    if record.method == "POST":
        if record.content_type.split(b";", 1)[0].strip().lower() not in _FORM or (
                record.body_size > len(record.body)):
            return None
        data = data + b"&" + record.body
    if b"apikey=" in data or b"charset=" in data or data.count(b"login=") != 1:
        return None
    match = _LOGIN.search(data)
    login = match[1] if match else b""
    if not login or b"%" in login or b"+" in login or not login.isascii():
        return None
    reading = Reading(smsc.PROVIDER, path[5:], login=login.decode("ascii"))
    reading.account = gateway.accounts.get(smsc.PROVIDER, reading.login)
    answer = record.answer
    if answer[:1] == b"{" and b'"error' not in answer:
        if match := _JSON_ID.search(answer):
            reading.ids = [match[1].decode("utf-8", "replace")]
    elif answer[:5] == b"OK - ":
        if match := _TEXT_ID.search(answer):
            reading.ids = [match[1].decode("utf-8", "replace")]
    else:  # error_code tells fmt=1's "0,-2" from a success by the fmt asked for
        fmt = _FMT.findall(data)
        reading.params = {"fmt": fmt[-1].decode("latin-1") if fmt else ""}
        reading.refused = smsc.error_code(record, reading) is not None
    return reading


_second = [-1, ""]  # the last whole second formatted, and how


def _timestamp(wall: float) -> str:
    seconds = int(wall)
    if _second[0] != seconds:
        _second[:] = seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{_second[1]}.{int((wall - seconds) * 1000):03d}Z"
