"""One line per provider request (provider, account, endpoint, outcome, status, latency, ids)
and the request counters behind /_mock/metrics.

The request path pays for a tuple and two clock reads: app.py hands over the journal's record
of the request (mocks/journal/recorder.py), with the endpoint's Reading of it, and its latency.
Counting and writing the lines happen in batches on the app's ticker, every 50 ms, one write a
batch; /_mock/metrics flushes first, so its counts
are exact when read.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_left
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as quoted
from typing import TextIO

from sms_mocks.core.gateway import Gateway
from sms_mocks.journal.reading import bare, read
from sms_mocks.journal.recorder import RAW_FAULT, RAW_READING, Raw
from sms_mocks.seam.exchange import (
    KEPT_ENDPOINT,
    KEPT_OUTCOME,
    KEPT_PROVIDER,
    Reading,
    Record,
    fault_outcome,
)

# Latency buckets, seconds: a mock answers in well under a millisecond to a few (faults delay).
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_PENDING = 50_000  # flushed at once past this, if the ticker falls behind
MAX_SERIES = 1000  # label combinations kept; more (hostile SOAP element names) count as "other"

log = logging.getLogger("sms_mocks.observe")


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
            kept = raw[RAW_READING]
            if self.format is None and kept is not None and raw[RAW_FAULT] is None:
                # counting alone: the endpoint's words, straight from the kept Reading
                self._count(kept[KEPT_PROVIDER], kept[KEPT_ENDPOINT], kept[KEPT_OUTCOME],
                            seconds)
                continue
            record = Record(*raw)
            reading = self._reading(record)
            self._count(reading.provider, reading.endpoint, reading.outcome, seconds)
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
            if record.reading is not None and record.fault is None:
                return Reading.restored(record.reading, self.gateway.accounts)
            # a faulted request takes read(), which words it as what the client got
            return read(record, self.gateway, explain_refusal=False)
        except Exception:
            log.exception("request log: cannot read request %s to %s", record.seq, record.path)
            self.on_error()
            reading = bare(record)
            reading.outcome = fault_outcome(record) or reading.outcome
            return reading

    def _count(self, provider: str, endpoint: str, outcome: str, seconds: float) -> None:
        key = (provider, endpoint, outcome)
        if key not in self.requests and len(self.requests) >= MAX_SERIES:
            key = (provider, "other", "other")
        self.requests[key] = self.requests.get(key, 0) + 1
        where = (provider, endpoint)
        histogram = self.latency.get(where)
        if histogram is None:
            if len(self.latency) >= MAX_SERIES:
                where = (provider, "other")
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


_second = [-1, ""]  # the last whole second formatted, and how


def _timestamp(wall: float) -> str:
    seconds = int(wall)
    if _second[0] != seconds:
        _second[:] = seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{_second[1]}.{int((wall - seconds) * 1000):03d}Z"
