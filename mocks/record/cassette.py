"""A cassette: what a recording proxy saw, one exchange after another, as a JSON file.

Bodies are kept exactly: each is text plus the charset that turns it back into the very bytes
that crossed the wire (the answer's own charset when it round-trips, else UTF-8, else latin-1,
which maps every byte). Text, not base64, so that a person can review a cassette before
contributing it, and a grep for a secret sees everything there is.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = 1
# The charset of last resort: every byte is one character, so any body round-trips.
BYTES = "latin-1"
_PAIR = re.compile(r'\[\s*("(?:[^"\\]|\\.)*"),\s*("(?:[^"\\]|\\.)*")\s*\]')
_CHARSET = re.compile(r"charset\s*=\s*\"?([\w.:-]+)", re.I)


class CassetteError(ValueError):
    """A file that is not a cassette this version can read."""


def charset_of(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return found.group(1).lower() if found else None


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    charset: str

    @classmethod
    def of(cls, raw: bytes, hints: Iterable[str | None] = ()) -> Body:
        """The first charset (of the hints, then UTF-8) that gives `raw` back exactly."""
        for name in [*hints, "utf-8"]:
            if not name:
                continue
            try:
                codecs.lookup(name)
                text = raw.decode(name)
            except (LookupError, UnicodeDecodeError):
                continue
            if text.encode(name) == raw:
                return cls(text, name)
        return cls(raw.decode(BYTES), BYTES)

    def raw(self) -> bytes:
        return self.text.encode(self.charset)

    def with_text(self, text: str) -> Body:
        """Redaction and id mapping put ASCII into a body; its charset still encodes it."""
        try:
            text.encode(self.charset)
        except UnicodeEncodeError:
            return Body(text, "utf-8")
        return Body(text, self.charset)


Headers = list[tuple[str, str]]


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers if k.lower() == wanted), None)


@dataclass(slots=True)
class Request:
    at: float  # when the proxy had the request, epoch seconds
    method: str
    path: str  # path and query, as sent
    headers: Headers
    body: Body


@dataclass(slots=True)
class Response:
    at: float  # when the whole answer had come back
    status: int
    reason: str
    headers: Headers
    body: Body  # decoded from its Content-Encoding, if it had one (decoded says which)
    decoded: str = ""


@dataclass(slots=True)
class Exchange:
    index: int  # 1, 2, ... in the order the requests came
    provider: str  # smsc, smsc-soap, smspager, targetsms, or "" when the path names none
    request: Request
    response: Response | None  # None when the upstream gave no answer (see error)
    error: str = ""
    redacted: list[str] = field(default_factory=list)  # what redaction took out, in words


@dataclass(slots=True)
class Cassette:
    upstream: str
    dry: bool = False  # answered by the emulator itself (record --dry): evidence of nothing
    started: float = 0.0
    redaction: dict[str, Any] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)


# --- JSON ---------------------------------------------------------------------------------

def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def epoch(text: str) -> float:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise CassetteError(f"a time without its offset: {text!r}")
    return parsed.timestamp()


def _body_data(body: Body) -> dict[str, str]:
    return {"text": body.text, "charset": body.charset}


def _body(data: Any) -> Body:
    body = Body(str(data["text"]), str(data["charset"]))
    body.raw()  # a charset that cannot write its text is a broken cassette, said now
    return body


def exchange_data(exchange: Exchange) -> dict[str, Any]:
    req = exchange.request
    data: dict[str, Any] = {
        "index": exchange.index,
        "provider": exchange.provider,
        "request": {"at": iso(req.at), "method": req.method, "path": req.path,
                    "headers": [list(h) for h in req.headers], "body": _body_data(req.body)},
    }
    res = exchange.response
    if res is not None:
        data["response"] = {"at": iso(res.at), "status": res.status, "reason": res.reason,
                            "headers": [list(h) for h in res.headers],
                            "body": _body_data(res.body)}
        if res.decoded:
            data["response"]["decoded"] = res.decoded
    if exchange.error:
        data["error"] = exchange.error
    data["redacted"] = list(exchange.redacted)
    return data


def _headers(data: Any) -> Headers:
    return [(str(k), str(v)) for k, v in data]


def exchange_from(data: dict[str, Any]) -> Exchange:
    req = data["request"]
    request = Request(epoch(req["at"]), str(req["method"]), str(req["path"]),
                      _headers(req["headers"]), _body(req["body"]))
    response = None
    if data.get("response") is not None:
        res = data["response"]
        response = Response(epoch(res["at"]), int(res["status"]), str(res.get("reason", "")),
                            _headers(res["headers"]), _body(res["body"]),
                            str(res.get("decoded", "")))
    return Exchange(int(data["index"]), str(data.get("provider", "")), request, response,
                    str(data.get("error", "")), [str(r) for r in data.get("redacted", [])])


def to_json(cassette: Cassette) -> str:
    data = {"cassette": FORMAT, "upstream": cassette.upstream, "dry": cassette.dry,
            "started": iso(cassette.started), "redaction": cassette.redaction,
            "exchanges": [exchange_data(e) for e in cassette.exchanges]}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # a header's [name, value] on one line: a JSON string never holds a raw newline
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


def load(path: str | Path) -> Cassette:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CassetteError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("cassette") != FORMAT:
        raise CassetteError(f"{path}: not a cassette of format {FORMAT}")
    try:
        return Cassette(str(data["upstream"]), bool(data.get("dry", False)),
                        epoch(data["started"]), dict(data.get("redaction", {})),
                        [exchange_from(e) for e in data["exchanges"]])
    except (KeyError, TypeError, ValueError, LookupError, UnicodeError) as exc:
        raise CassetteError(f"{path}: {type(exc).__name__}: {exc}") from None


def write_atomically(path: Path, text: str) -> None:
    """The whole file or the old one, never half of one; readable by its owner only (it holds
    logins and what was sent)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Writer:
    """A cassette being recorded: rewritten whole after each exchange, so an interrupted
    session keeps everything up to its last answer. Thread-safe (the proxy serves requests in
    threads)."""

    def __init__(self, path: Path, cassette: Cassette) -> None:
        self.path = path
        self.cassette = cassette
        self._lock = threading.Lock()
        self._next = 1
        write_atomically(path, to_json(cassette))

    def number(self) -> int:
        """The next exchange's index, taken when its request arrives."""
        with self._lock:
            index, self._next = self._next, self._next + 1
            return index

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.cassette.exchanges.append(exchange)
            self.cassette.exchanges.sort(key=lambda e: e.index)
            write_atomically(self.path, to_json(self.cassette))
