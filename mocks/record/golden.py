"""Recorded exchanges as goldens: fixtures/golden/<provider>/recorded.toml.

Each golden is one exchange of a cassette, with the earlier exchanges of the same account as
its setup (a status read needs its send), its recording date, the upstream, what redaction
took out, the coverage rows it backs, and its answer with the placeholders declared where
they are. tests/golden/test_recorded.py runs every one: the steps replayed on an emulator
whose virtual clock reads the recorded times, the last answer matched against its template.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sms_mocks.conformance.coverage import RECORDED_FILE, Row
from sms_mocks.conformance.coverage import load as coverage_rows
from sms_mocks.record import dialects, rows
from sms_mocks.record.cassette import (
    Body,
    Cassette,
    Exchange,
    Request,
    Response,
    epoch,
    iso,
    write_atomically,
)
from sms_mocks.record.diff import Verdict, judge, public_url, template_of
from sms_mocks.record.replay import AccountSpec, Replay, accounts_of
from sms_mocks.record.template import IdMap, Template

FILE = RECORDED_FILE  # where the coverage table reads them too
HEADER = """\
# Exchanges recorded from the real service with `sms-mocks record` and made goldens by
# `sms-mocks diff --save-golden` (docs/help-us-stay-faithful.md).
# Secrets and listed phone numbers were redacted before anything was written (`redacted`).
# tests/golden/test_recorded.py replays each golden's `steps` on an emulator whose virtual clock
# reads the recorded times (`accounts` are made first: a password is the redaction marker that
# logged in) and matches the last step's answer: its text byte for byte, except the declared
# `placeholders` (kind id, date, timestamp, money, count), each of which may vary in its shape.
# `covers` names the rows of the coverage table (docs/coverage.md) this exchange is evidence for.
"""


class GoldenError(ValueError):
    pass


# --- from a cassette ------------------------------------------------------------------------

def _step(exchange: Exchange) -> dict[str, Any]:
    req, res = exchange.request, exchange.response
    assert res is not None
    template = template_of(exchange)
    step: dict[str, Any] = {
        "index": exchange.index, "provider": exchange.provider, "at": iso(req.at),
        "method": req.method, "path": req.path, "headers": [list(h) for h in req.headers],
        "body": req.body.text, "body_charset": req.body.charset,
        "status": res.status, "content_type": _content_type(res),
        "answered_at": iso(res.at), "answer": res.body.text, "answer_charset": res.body.charset,
        "placeholders": template.placeholders(),
    }
    return step


def _content_type(response: Response) -> str:
    return next((v for k, v in response.headers if k.lower() == "content-type"), "")


def _same_account(one: Exchange, other: Exchange) -> bool:
    if dialects.account_provider(one.provider) != dialects.account_provider(other.provider):
        return False
    mine = dialects.read(one.provider, one.request).login
    theirs = dialects.read(other.provider, other.request).login
    return not mine or not theirs or mine == theirs


def golden_of(cassette: Cassette, name: str, exchange: Exchange,
              table: list[Row] | None = None) -> dict[str, Any]:
    before = [e for e in cassette.exchanges if e.index < exchange.index and e.response
              and e.provider and _same_account(e, exchange)]
    steps = [*before, exchange]
    key = f"{re.sub(r'[^A-Za-z0-9_-]+', '-', Path(name).stem)}-{exchange.index:03d}"
    return {
        "key": key,
        "recorded_at": iso(exchange.request.at),
        "upstream": cassette.upstream,
        "cassette": Path(name).name,
        "redacted": sorted({r for e in steps for r in e.redacted}),
        "covers": [list(k) for k in rows.backed(exchange, table)],
        "accounts": [a.data() for a in accounts_of(steps)],
        "steps": [_step(e) for e in steps],
    }


def save(cassette: Cassette, name: str, directory: Path,
         only: set[int] | None = None) -> list[tuple[Path, str]]:
    """Each chosen exchange (every one with an answer, by default) as a golden in its
    provider's recorded.toml; an entry of the same key is replaced. (path, key) of each."""
    if cassette.dry:
        raise GoldenError("a --dry cassette holds the emulator's own answers: it is evidence of "
                          "nothing, so it cannot become a golden")
    by_file: dict[Path, list[dict[str, Any]]] = {}
    table = coverage_rows(recorded=None)
    for exchange in cassette.exchanges:
        if exchange.response is None or not exchange.provider or \
                (only is not None and exchange.index not in only):
            continue
        path = directory / exchange.provider / FILE
        by_file.setdefault(path, []).append(golden_of(cassette, name, exchange, table))
    saved = []
    for path, goldens in by_file.items():
        existing = load(path)["golden"] if path.exists() else []
        new = {g["key"]: g for g in goldens}
        # an entry of the same key is replaced where it stands; the new ones follow
        merged = [new.pop(g["key"], g) for g in existing] + list(new.values())
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, dumps({"source": "recorded", "golden": merged}))
        if load(path)["golden"] != _plain(merged):  # the writer below is ours: trust, verify
            raise GoldenError(f"{path}: did not read back as written")
        saved += [(path, g["key"]) for g in goldens]
    return saved


def load(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GoldenError(f"{path}: {exc}") from None
    data.setdefault("golden", [])
    return data


def files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*/{FILE}"))


# --- run ------------------------------------------------------------------------------------

def _exchange(step: Mapping[str, Any]) -> Exchange:
    headers = [(str(k), str(v)) for k, v in step["headers"]]
    request = Request(epoch(step["at"]), step["method"], step["path"], headers,
                      Body(step["body"], step["body_charset"]))
    answer = Body(step["answer"], step["answer_charset"])
    response = Response(epoch(step["answered_at"]), int(step["status"]), "",
                        [("Content-Type", step["content_type"])] if step["content_type"] else [],
                        answer)
    return Exchange(int(step["index"]), str(step["provider"]), request, response)


def run(golden: Mapping[str, Any], config: str | None = None) -> Verdict:
    """The golden's steps replayed in order; the verdict on its own (last) exchange."""
    steps = list(golden["steps"])
    exchanges = [_exchange(s) for s in steps]
    accounts = [AccountSpec(a["provider"], a["login"], a["password"], list(a["api_keys"]),
                            list(a["senders"])) for a in golden["accounts"]]
    upstream = Cassette(str(golden["upstream"]))
    ids: IdMap = {}
    verdict = None
    with Replay(min(e.request.at for e in exchanges), accounts, config=config,
                public_url=public_url(upstream)) as replay:
        for step, exchange in zip(steps, exchanges, strict=True):
            template = Template.from_data(step["answer"], step["placeholders"])
            verdict = judge(replay, exchange, ids, template)
    assert verdict is not None
    return verdict


# --- TOML, written -------------------------------------------------------------------------
# tomllib only reads; this writes the few shapes a recorded golden has, and save() reads the
# file back to be sure it says what was meant.

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _escape(text: str, keep_newlines: bool) -> str:
    out = []
    for char in text:
        if keep_newlines and char == "\n":
            out.append(char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if "\n" in value:  # a newline right after the opening quotes is not part of it
            return '"""\n' + _escape(value, True) + '"""'
        return '"' + _escape(value, False) + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {type(value).__name__}")


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _value(key)


def _table(lines: list[str], data: Mapping[str, Any], prefix: str) -> None:
    nested = {k: v for k, v in data.items() if isinstance(v, list) and v and
              all(isinstance(i, dict) for i in v) and k in ("golden", "steps")}
    for key, value in data.items():
        if key in nested:
            continue
        text = _value(value)
        if isinstance(value, list) and len(text) > 100:  # one item a line, to be read
            text = "[\n" + "".join(f"  {_value(item)},\n" for item in value) + "]"
        lines.append(f"{_key(key)} = {text}")
    for key, items in nested.items():
        for item in items:
            lines += ["", f"[[{prefix}{key}]]"]
            _table(lines, item, f"{prefix}{key}.")


def dumps(data: Mapping[str, Any]) -> str:
    lines = [*HEADER.rstrip("\n").split("\n"), ""]
    _table(lines, data, "")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
