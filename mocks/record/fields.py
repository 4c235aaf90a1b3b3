"""An answer cut into named fields, each with its span in the text, and the placeholders among
them: the values that follow the account and the clock rather than the emulator's fidelity.

Declared placeholder kinds (nothing else may differ):
    id         message and mailing ids the service hands out
    date       a date and time (by its field's name, or because it looks like one)
    timestamp  a Unix time
    money      balances, costs, prices: the account's, not the dialect's
    count      what an account holds (TargetSMS's prepaid packages)
Field names are the dialect's own: an XML element's path below the root, a JSON key's path,
SMSC's `ID` or `BALANCE`, a fmt=1 column's name, a TargetSMS serialized key. XML and JSON are
cut here; a text answer by its dialect (`Dialect.text_fields`, declared by its provider).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sms_mocks.record import dialects
from sms_mocks.seam.recording import COUNT, DATE, ID, MONEY, TIMESTAMP, Raw, RequestFacts

_ID_NAMES = {"id", "smsid", "id_sms"}
_MONEY_NAMES = {"cost", "balance", "credit", "price", "priceofsending", "payment", "account",
                "money"}
_MONEY_PATHS = {"money/value"}  # TargetSMS's JSON balance
_DATE_NAMES = {"last_date", "send_date", "check_time", "datetime", "time_change_state"}
_TIMESTAMP_NAMES = {"last_timestamp", "send_timestamp"}
_DATE_SHAPE = re.compile(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}(?::\d{2})?"
                         r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    start: int
    end: int
    kind: str = ""  # "" for fixed text, else one of seam.recording's KINDS

    def value(self, text: str) -> str:
        return text[self.start:self.end]


def kind_of(name: str, value: str) -> str:
    leaf = re.split(r"[/@]", name)[-1].split("[")[0].lower()
    if not value:
        return ""
    if leaf in _ID_NAMES and value.isdigit():
        return ID
    if leaf in _TIMESTAMP_NAMES and value.isdigit():
        return TIMESTAMP
    if (leaf in _MONEY_NAMES or name.lower() in _MONEY_PATHS) and _NUMBER.fullmatch(value):
        return MONEY
    if (leaf in _DATE_NAMES and any(c.isdigit() for c in value)) or _DATE_SHAPE.fullmatch(value):
        return DATE
    return ""


def fields(facts: RequestFacts, text: str) -> list[Field]:
    """The answer's fields, repeated names numbered (`id`, `id[2]`), kinds set."""
    stripped = text.lstrip()
    found: list[Raw] | None = None
    if stripped.startswith("<"):
        found = [(n, a, b, "") for n, a, b in xml_fields(text)]
    elif stripped.startswith(("{", "[")):
        try:
            found = [(n, a, b, "") for n, a, b in json_fields(text)]
        except ValueError:
            found = None
    if found is None:  # a text answer: its dialect knows how to cut it
        dialect = dialects.dialect(facts.provider)
        found = dialect.text_fields(facts, text) if dialect and dialect.text_fields else \
            [("answer", 0, len(text), "")]
    out, seen = [], dict[str, int]()
    for name, start, end, implied in found:
        seen[name] = seen.get(name, 0) + 1
        named = name if seen[name] == 1 else f"{name}[{seen[name]}]"
        value = text[start:end]
        kind = implied if implied and _fits(implied, value) else kind_of(named, value)
        out.append(Field(named, start, end, kind))
    return out


def _fits(kind: str, value: str) -> bool:
    return bool(value.isdigit() if kind in (ID, COUNT, TIMESTAMP) else
                _NUMBER.fullmatch(value) if kind == MONEY else value)


# --- XML ----------------------------------------------------------------------------------

_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!].*?>"
                  r"|</\s*(?:[\w.-]+:)?([\w.-]+)\s*>|<(?:[\w.-]+:)?([\w.-]+)([^<>]*?)(/?)>", re.S)
_ATTR = re.compile(r"([\w.:-]+)\s*=\s*(['\"])(.*?)\2", re.S)


def xml_fields(text: str) -> list[tuple[str, int, int]]:
    """Every element that holds only text (its path below the root) and every attribute."""
    out: list[tuple[str, int, int]] = []
    stack: list[tuple[str, int, bool]] = []  # name, where its content starts, has children

    def path(name: str) -> str:
        return "/".join([n for n, _, _ in stack[1:]] + [name]) if stack else name

    for tag in _TAG.finditer(text):
        closing, opening, attributes, empty = tag.groups()
        if opening:
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1], True)
            here = path(opening)
            for attr in _ATTR.finditer(attributes):
                if not attr.group(1).startswith("xmlns"):
                    offset = tag.start(3)
                    out.append((f"{here}@{attr.group(1)}", offset + attr.start(3),
                                offset + attr.end(3)))
            if empty:
                out.append((here, tag.end(), tag.end()))
            else:
                stack.append((opening, tag.end(), False))
        elif closing and stack:
            name, start, children = stack.pop()
            if not children:
                out.append((path(name), start, tag.start()))
    return out


# --- JSON ---------------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_SPACE = re.compile(r"\s*")


def json_fields(text: str) -> list[tuple[str, int, int]]:
    """Every scalar with its key path (`phones[1]/cost`); a string's span is inside its
    quotes. ValueError for what is not JSON."""
    import json

    out: list[tuple[str, int, int]] = []

    def skip(pos: int) -> int:
        blank = _SPACE.match(text, pos)  # \s* matches at any position
        return blank.end() if blank else pos

    def value(pos: int, name: str) -> int:
        pos = skip(pos)
        if pos >= len(text):
            raise ValueError("unexpected end")
        char = text[pos]
        if char in "{[":
            closer, index = ("}" if char == "{" else "]"), 0
            pos = skip(pos + 1)
            if text.startswith(closer, pos):
                return pos + 1
            while True:
                if char == "{":
                    key = _STRING.match(text, pos)
                    if key is None:
                        raise ValueError("a key expected")
                    label = json.loads(key.group())
                    pos = skip(key.end())
                    if not text.startswith(":", pos):
                        raise ValueError(": expected")
                    pos = value(pos + 1, f"{name}/{label}" if name else str(label))
                else:
                    index += 1
                    pos = value(pos, f"{name}[{index}]")
                pos = skip(pos)
                if text.startswith(",", pos):
                    pos = skip(pos + 1)
                    continue
                if text.startswith(closer, pos):
                    return pos + 1
                raise ValueError(f"{closer} expected")
        found = _STRING.match(text, pos)
        if found:
            out.append((name or "value", found.start() + 1, found.end() - 1))
            return found.end()
        found = _SCALAR.match(text, pos)
        if found is None:
            raise ValueError("a value expected")
        out.append((name or "value", found.start(), found.end()))
        return found.end()

    end = skip(value(0, ""))
    if end != len(text):
        raise ValueError("text after the JSON")
    return out
