"""/_mock/journal: the last provider requests, newest first, each with what the emulator
understood of it and, when refused, why (mocks/journal/). DELETE clears it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import runtime_of
from sms_mocks.journal.reading import bare, provider_of, read, view

if TYPE_CHECKING:
    from sms_mocks.journal.reading import Reading
    from sms_mocks.journal.recorder import Record
    from sms_mocks.runtime import Runtime

PROVIDERS = ("smsc", "smspager", "targetsms")
DEFAULT_LIMIT = 100
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

log = logging.getLogger("sms_mocks.journal")


class BadQuery(ValueError):
    pass



def _filters(query: dict[str, str]) -> tuple[int, dict[str, str], bool | None]:
    try:
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise BadQuery("limit is a whole number") from None
    if limit < 0:
        raise BadQuery("limit is 0 or more")
    provider = query.get("provider", "")
    if provider and provider not in PROVIDERS:
        raise BadQuery(f"provider is one of {', '.join(PROVIDERS)}")
    refused_text = query.get("refused", "").lower()
    if refused_text and refused_text not in _BOOLEANS:
        raise BadQuery("refused is true or false")
    wanted = {k: query[k] for k in ("provider", "account", "endpoint") if query.get(k)}
    return limit, wanted, _BOOLEANS.get(refused_text)


def _reading(runtime: Runtime, record: Record) -> Reading:
    try:
        return read(record, runtime.gateway)
    except Exception:  # a bug of ours: the journal still answers, /_mock/health counts it
        log.exception("journal: cannot read request %s to %s", record.seq, record.path)
        runtime.internal_errors += 1
        return bare(record)


def _matches(record: Record, reading: Reading, wanted: dict[str, str],
             refused: bool | None) -> bool:
    if "account" in wanted and wanted["account"] not in (
            reading.login, reading.account.login if reading.account is not None else None):
        return False
    endpoint = wanted.get("endpoint")
    if endpoint is not None and endpoint not in (record.path, record.path.lstrip("/"),
                                                 reading.endpoint,
                                                 record.path.rsplit("/", 1)[-1]):
        return False
    return refused is None or reading.refused is refused


async def journal(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    try:
        limit, wanted, refused = _filters(dict(request.query_params))
    except BadQuery as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    runtime.gateway.tick()
    entries: list[dict[str, Any]] = []
    for record in runtime.journal.newest_first():
        if len(entries) >= limit:
            break
        if "provider" in wanted and provider_of(record.path) != wanted["provider"]:
            continue
        reading = _reading(runtime, record)
        if _matches(record, reading, wanted, refused):
            entries.append(view(record, reading))
    return JSONResponse({"size": runtime.journal.size, "entries": entries})


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
                _query("limit", f"at most this many entries (default {DEFAULT_LIMIT})",
                       {"type": "integer", "minimum": 0}),
                _query("provider", "smsc, smspager or targetsms",
                       {"type": "string", "enum": list(PROVIDERS)}),
                _query("account", "the login the request named or resolved to",
                       {"type": "string"}),
                _query("endpoint", "a path (/sys/send.php), its last part (send.php) or a "
                       "SOAP operation (send_sms)", {"type": "string"}),
                _query("refused", "only refused (true) or only accepted (false) requests",
                       {"type": "boolean"}),
            ],
            "responses": {"200": {"description": "{size, entries: [...]}", "content": _JSON},
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
