"""One verdict per recorded exchange: the emulator's answer to the same request, at the same
recorded time, compared as a golden compares: the status, the Content-Type, then the body,
whose fixed text must match byte for byte while its placeholders vary within their shape.
A difference is told as the first field that differs, with both values."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sms_mocks.record import dialects
from sms_mocks.record.cassette import Cassette, Exchange, Response, header
from sms_mocks.record.fields import Field, fields
from sms_mocks.record.replay import Replay, accounts_of, learn
from sms_mocks.record.template import IdMap, Template, shape
from sms_mocks.seam.recording import ID

SHOWN = 80  # characters of a value a line shows


@dataclass(slots=True)
class Verdict:
    exchange: Exchange
    difference: str = ""  # "" for a match
    skipped: str = ""  # why it could not be compared

    @property
    def match(self) -> bool:
        return not self.difference and not self.skipped

    def line(self) -> str:
        request = self.exchange.request
        what = f"{request.method} {request.path.split('?', 1)[0]}"
        dialect = dialects.dialect(self.exchange.provider)
        if dialect is not None and dialect.command_in_body and request.method == "POST":
            what += f" {dialects.read(dialect.name, request).command}"
        outcome = self.difference or (f"skipped: {self.skipped}" if self.skipped else "match")
        return f"#{self.exchange.index:<3} {what:<34} {outcome}"


def show(value: str | None) -> str:
    if value is None:
        return "(absent)"
    text = value if len(value) <= SHOWN else value[:SHOWN - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def template_of(exchange: Exchange) -> Template:
    """The recorded answer with its placeholders declared by the dialect's rules."""
    assert exchange.response is not None
    facts = dialects.read(exchange.provider, exchange.request)
    text = exchange.response.body.text
    return Template.of(text, fields(facts, text))


def compare(exchange: Exchange, template: Template, replayed: Response, ids: IdMap) -> str:
    """"" when the replayed answer is the recorded one; else the first difference. Learns the
    ids the replay handed out for the recorded ones, match or not."""
    recorded = exchange.response
    assert recorded is not None
    facts = dialects.read(exchange.provider, exchange.request)
    try:
        text = replayed.body.raw().decode(recorded.body.charset)
    except UnicodeDecodeError:
        text = None
    mine = fields(facts, template.text)
    theirs = fields(facts, text) if text is not None else []
    matched = template.match(text, ids) if text is not None else None
    learn(ids, matched if matched is not None else
          _ids_by_name(mine, template.text, theirs, text or ""))
    if recorded.status != replayed.status:
        return f"HTTP status: recorded {recorded.status}, emulator {replayed.status}"
    kinds = (header(recorded.headers, "content-type"), header(replayed.headers, "content-type"))
    if kinds[0] != kinds[1]:
        return f"content-type: recorded {show(kinds[0])}, emulator {show(kinds[1])}"
    if text is None:
        return f"body: not {recorded.body.charset}"
    if matched is not None:
        return ""
    return _first_field(template, mine, text, theirs, ids) or _first_byte(template.text, text)


def _ids_by_name(mine: list[Field], recorded: str, theirs: list[Field], text: str) -> IdMap:
    by_name = {f.name: f for f in theirs}
    out: IdMap = {}
    for field in mine:
        other = by_name.get(field.name)
        if field.kind == ID and other is not None and other.value(text).isdigit():
            out[field.value(recorded)] = other.value(text)
    return out


def _first_field(template: Template, mine: list[Field], text: str, theirs: list[Field],
                 ids: IdMap) -> str:
    by_name = {f.name: f for f in theirs}
    if not set(by_name) & {f.name for f in mine}:  # nothing in common: the whole answer
        return f"answer: recorded {show(template.text)}, emulator {show(text)}"
    for field in mine:
        value = field.value(template.text)
        other = by_name.get(field.name)
        if other is None:
            return f"{field.name}: recorded {show(value)}, emulator (absent)"
        got = other.value(text)
        if field.kind == ID:
            ok = got == ids[value] if value in ids else \
                got.isdigit() and got not in ids.values()
        elif field.kind:
            ok = re.fullmatch(shape(field.kind, value), got) is not None
        else:
            ok = got == value
        if not ok:
            return f"{field.name}: recorded {show(value)}, emulator {show(got)}"
    names = {f.name for f in mine}
    extra = next((f for f in theirs if f.name not in names), None)
    if extra is not None:
        return f"{extra.name}: recorded (absent), emulator {show(extra.value(text))}"
    return ""


def _first_byte(recorded: str, text: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(recorded, text, strict=False)) if a != b),
              min(len(recorded), len(text)))
    start = max(0, at - 10)
    return (f"body at character {at}: recorded {show(recorded[start:at + 20])}, "
            f"emulator {show(text[start:at + 20])}")


def public_url(cassette: Cassette) -> str | None:
    """Where the replaying emulator says it is (the WSDL's address): the upstream's."""
    parts = urlsplit(cassette.upstream)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def run(cassette: Cassette, config: str | None = None,
        only: set[int] | None = None) -> list[Verdict]:
    """Every exchange replayed in order (the ones left out by `only` too, unjudged: a status
    read needs its send), and a verdict for each judged one."""
    exchanges = cassette.exchanges
    if not exchanges:
        return []
    start = min(e.request.at for e in exchanges)
    verdicts = []
    ids: IdMap = {}
    with Replay(start, accounts_of(exchanges), config=config,
                public_url=public_url(cassette)) as replay:
        for exchange in exchanges:
            verdict = judge(replay, exchange, ids)
            if only is None or exchange.index in only:
                verdicts.append(verdict)
    return verdicts


def judge(replay: Replay, exchange: Exchange, ids: IdMap,
          template: Template | None = None) -> Verdict:
    if exchange.response is None:
        # nothing came back from the real service, so there is nothing to compare with; the
        # request may still have done something there, so it is sent here too
        replay.send(exchange.request, ids)
        return Verdict(exchange, skipped=f"no answer was recorded ({exchange.error})")
    if exchange.response.decoded.startswith("undecoded"):
        replay.send(exchange.request, ids)
        return Verdict(exchange, skipped=f"the answer is {exchange.response.decoded}")
    replayed = replay.send(exchange.request, ids)
    template = template or template_of(exchange)
    return Verdict(exchange, compare(exchange, template, replayed, ids))
