"""/_mock/journal: the last provider requests, newest first, each with what the emulator
understood of it and, when refused, why (mocks/journal/). DELETE clears it.

A read costs its page, not the journal: the records are visited newest first through an
index by seq kept beside the journal's deque (Order), and a read stops after `limit` entries,
after SCAN records read for a filter, or after EXAMINED records looked at; a page that stopped
before the oldest record says where to go on (`next`, to pass as `before`)."""

from __future__ import annotations

import logging
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import runtime_of
from sms_mocks.control.openapi import PROVIDER_NAMES
from sms_mocks.core.endpoints import paths_named
from sms_mocks.faults.targets import PATHS
from sms_mocks.journal.reading import bare, provider_of, read, view
from sms_mocks.seam import registry
from sms_mocks.seam.exchange import Record

if TYPE_CHECKING:
    from sms_mocks.journal.recorder import Journal, Raw
    from sms_mocks.seam.exchange import Reading
    from sms_mocks.serving.runtime import Runtime

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # a larger `limit` is taken as this
SCAN = 1000  # records a read parses to apply the account, endpoint or refused filter
EXAMINED = 100_000  # records a read looks at in all (the provider filter needs no parsing)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

log = logging.getLogger("sms_mocks.journal")


class Order:
    """A journal's records by seq, for reading newest first without sorting the journal.

    The deque holds records in the order they were answered, which is the order they arrived
    (seq) but for requests that overlapped. This index holds numbers only, never a record:
    the seqs in ascending order and, for each, its place in the deque counted from the first
    record it ever took in. Each read first catches up from the deque's ends (what was added
    since, what fell off), so its cost follows the requests since the last read; a journal
    cleared or turned over completely since is taken in again whole."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.seqs = array("q")  # ascending; seqs[:start] have left the journal
        self.places = array("q")  # the place of each, counted from the first taken in
        self.start = 0
        self.gone: set[int] = set()  # seqs past `start` that have left the journal
        self.arrival: deque[int] = deque()  # the seqs in the deque's order
        self.taken = 0  # records taken in since the reset

    def newest_first(self, records: deque[Raw], before: int | None = None
                     ) -> Iterator[Raw]:
        """The records by seq, newest first; with `before`, those with a smaller seq."""
        self._catch_up(records)
        seqs, places, gone = self.seqs, self.places, self.gone
        first = self.taken - len(records)  # the place of records[0]
        end = len(seqs) if before is None else bisect_left(seqs, before, self.start)
        for index in range(end - 1, self.start - 1, -1):
            if not (gone and seqs[index] in gone):
                yield records[places[index] - first]

    def _catch_up(self, records: deque[Raw]) -> None:
        added = 0
        if self.arrival:
            last = self.arrival[-1]
            for raw in reversed(records):
                if raw[0] == last:
                    break
                added += 1
            else:  # cleared or turned over since: take it in again
                self._reset()
                added = len(records)
        else:
            added = len(records)
        for _ in range(len(self.arrival) + added - len(records)):  # what fell off the left
            self._leave(self.arrival.popleft())
        fresh = list(islice(reversed(records), added))
        for raw in reversed(fresh):
            self._take(raw[0])
        if self.start > 4096 and self.start > len(self.seqs) // 2:
            del self.seqs[:self.start]
            del self.places[:self.start]
            self.start = 0

    def _take(self, seq: int) -> None:
        self.arrival.append(seq)
        place, self.taken = self.taken, self.taken + 1
        if len(self.seqs) == self.start or seq > self.seqs[-1]:
            self.seqs.append(seq)
            self.places.append(place)
        else:  # an overlapping request answered after later ones
            index = bisect_left(self.seqs, seq, self.start)
            self.seqs.insert(index, seq)
            self.places.insert(index, place)

    def _leave(self, seq: int) -> None:
        seqs, gone = self.seqs, self.gone
        if seqs[self.start] != seq:
            gone.add(seq)
            return
        self.start += 1
        while gone and self.start < len(seqs) and seqs[self.start] in gone:
            gone.discard(seqs[self.start])
            self.start += 1


def newest_first(journal: Journal, before: int | None = None) -> Iterator[Raw]:
    """The journal's records, newest (highest seq) first, costing what is taken of them."""
    order = journal.index
    if not isinstance(order, Order):
        order = journal.index = Order()
    return order.newest_first(journal.records, before)


class BadQuery(ValueError):
    pass



def _filters(query: dict[str, str]) -> tuple[int, dict[str, str], bool | None]:
    try:
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise BadQuery("limit is a whole number") from None
    if limit < 0:
        raise BadQuery("limit is 0 or more")
    limit = min(limit, MAX_LIMIT)
    provider = query.get("provider", "")
    if provider and provider not in registry.names():
        raise BadQuery(f"provider is one of {', '.join(registry.names())}")
    refused_text = query.get("refused", "").lower()
    if refused_text and refused_text not in _BOOLEANS:
        raise BadQuery("refused is true or false")
    wanted = {k: query[k] for k in ("provider", "account", "endpoint") if query.get(k)}
    return limit, wanted, _BOOLEANS.get(refused_text)


def _reading(runtime: Runtime, record: Record, explain: bool = True) -> Reading | None:
    """What the record was understood as; None (counted, logged) when that failed."""
    try:
        return read(record, runtime.gateway, explain_refusal=explain)
    except Exception:  # a bug of ours: the journal still answers, /_mock/health counts it
        log.exception("journal: cannot read request %s to %s", record.seq, record.path)
        runtime.internal_errors += 1
        return None


def _before(query: dict[str, str]) -> int | None:
    raw = query.get("before", "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise BadQuery("before is a seq, a whole number")
    return int(raw)


def _matches(record: Record, reading: Reading, wanted: dict[str, str],
             refused: bool | None, paths: frozenset[str] = frozenset()) -> bool:
    """`paths`: what the endpoint filter names, read as fault rules read it
    (core/endpoints.py): send.php and /sys/send.php alike."""
    if "account" in wanted and wanted["account"] not in (
            reading.login, reading.account.login if reading.account is not None else None):
        return False
    endpoint = wanted.get("endpoint")
    if endpoint is not None and not (record.path == endpoint or reading.endpoint == endpoint
                                     or record.path in paths):
        return False
    return refused is None or reading.refused is refused


def entries(runtime: Runtime, limit: int, wanted: dict[str, str], refused: bool | None,
            before: int | None = None, scan: int = SCAN, examined: int = EXAMINED
            ) -> tuple[list[dict[str, Any]], int | None, int]:
    """The newest `limit` entries the filters match (with seqs below `before`): the entries,
    the seq to pass as `before` for older ones (None when there are none), and how many
    records were parsed. Parsing for a filter skips the costly explanation of a refusal;
    only the entries shown are read in full."""
    found: list[dict[str, Any]] = []
    if limit <= 0:
        return found, None, 0
    provider = wanted.get("provider")
    filtered = "account" in wanted or "endpoint" in wanted or refused is not None
    paths = frozenset(paths_named(wanted["endpoint"], PATHS)) if "endpoint" in wanted \
        else frozenset()
    parsed = 0
    records = newest_first(runtime.journal, before)
    for looked, raw in enumerate(records, 1):
        if provider is None or provider_of(raw[4]) == provider:
            record = Record(*raw)
            reading: Reading | None = None
            if filtered:
                parsed += 1
                quick = _reading(runtime, record, explain=False)
                reading = quick if quick is not None else bare(record)
                if not _matches(record, reading, wanted, refused, paths):
                    reading = None
                elif quick is not None:
                    reading = _reading(runtime, record) or bare(record)
            else:
                reading = _reading(runtime, record) or bare(record)
            if reading is not None:
                found.append(view(record, reading))
        if len(found) >= limit or parsed >= scan or looked >= examined:
            more = next(records, None) is not None
            return found, raw[0] if more else None, parsed
    return found, None, parsed


async def journal(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    query = dict(request.query_params)
    try:
        limit, wanted, refused = _filters(query)
        before = _before(query)
    except BadQuery as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    runtime.gateway.tick()
    shown, more, _ = entries(runtime, limit, wanted, refused, before)
    answer: dict[str, Any] = {"size": runtime.journal.size, "entries": shown}
    if more is not None:
        answer["next"] = more
    return JSONResponse(answer)


async def clear(request: Request) -> JSONResponse:
    kept = runtime_of(request).journal
    cleared = len(kept.records)
    kept.clear()
    return JSONResponse({"cleared": cleared})


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


_JSON = {"application/json": {"schema": {"type": "object"}}}
_ERROR = {"description": "a bad filter: {error}", "content": _JSON}
paths: dict[str, Any] = {
    "/_mock/journal": {
        "get": {
            "summary": "The last provider requests, newest first, as understood; a refused "
                       "one with a near-miss explanation",
            "parameters": [
                _query("limit", f"at most this many entries (default {DEFAULT_LIMIT}, at most "
                                f"{MAX_LIMIT})", {"type": "integer", "minimum": 0}),
                _query("before", "only requests with a smaller seq: the `next` of the page "
                                 "before", {"type": "integer", "minimum": 0}),
                _query("provider", PROVIDER_NAMES,
                       {"type": "string", "enum": list(registry.names())}),
                _query("account", "the login the request named or resolved to",
                       {"type": "string"}),
                _query("endpoint", "a path (/sys/send.php), its last part (send.php) or a "
                       "SOAP operation (send_sms)", {"type": "string"}),
                _query("refused", "only refused (true) or only accepted (false) requests",
                       {"type": "boolean"}),
            ],
            "responses": {"200": {"description": "{size, entries: [...], next?: seq}",
                                  "content": _JSON},
                          "400": _ERROR},
        },
        "delete": {"summary": "Forget every entry",
                   "responses": {"200": {"description": "{cleared: N}", "content": _JSON}}},
    },
}

routes = [
    Route("/_mock/journal", journal, methods=["GET"]),
    Route("/_mock/journal", clear, methods=["DELETE"]),
]
