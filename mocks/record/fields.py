"""An answer cut into named fields, each with its span in the text, and the placeholders among
them: the values that follow the account and the clock rather than the emulator's fidelity.

Declared placeholder kinds (nothing else may differ):
    id         message and mailing ids the service hands out
    date       a date and time (by its field's name, or because it looks like one)
    timestamp  a Unix time
    money      balances, costs, prices: the account's, not the dialect's
    count      what an account holds (TargetSMS's prepaid packages)
Field names are the dialect's own: an XML element's path below the root, a JSON key's path,
SMSC's `ID` or `BALANCE`, a fmt=1 column's name, a TargetSMS serialized key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sms_mocks.record.dialects import SMSC, TARGET, Facts

ID, DATE, TIMESTAMP, MONEY, COUNT = "id", "date", "timestamp", "money", "count"
KINDS = (ID, DATE, TIMESTAMP, MONEY, COUNT)

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
    kind: str = ""  # "" for fixed text, else one of KINDS

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


Raw = tuple[str, int, int, str]  # name, start, end, the kind a position implies ("": ask)


def fields(facts: Facts, text: str) -> list[Field]:
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
    if found is None:
        found = target_fields(text) if facts.provider == TARGET else \
            smsc_fields(facts, text) if facts.provider == SMSC else [("answer", 0, len(text), "")]
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
        return _SPACE.match(text, pos).end()  # type: ignore[union-attr]

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


# --- SMSC's text forms (fmt 0 and 1) --------------------------------------------------------

_KEY = re.compile(r"(?:^|, )([A-Za-z_]\w*) (?:-|=) ")
_COST_LINE = re.compile(r"(-?\d+(?:\.\d+)?) \((\d+) SMS\)")
_PHONE_COLUMNS = ("phone", "mccmnc", "cost", "status", "error")


def _columns(facts: Facts, line: str, first: bool) -> list[str]:
    """Names of a fmt=1 line's columns (op=1's number lines too); unknown ones are colN."""
    values = line.split(",")
    command, params = facts.command, facts.params
    names: list[str] = []
    if len(values) == 2 and values[1].startswith("-"):
        names = ["id", "error"]
    elif command == "send.php" and first:
        names = ["cost", "cnt"] if params.get("cost") == "1" else ["id", "cnt", "cost", "balance"]
    elif command == "send.php":
        names = list(_PHONE_COLUMNS)
    elif command == "status.php":
        names = ["status", "last_timestamp", "err"]
        if "," in params.get("id", "") or (len(values) > 3 and facts.params.get("all") is None):
            names.append("id")
    elif command == "balance.php":
        names = ["balance", "currency"]
    return [names[i] if i < len(names) else f"col{i + 1}" for i in range(len(values))]


# what a column's name means in SMSC's bare forms, where no key says it
_COLUMN_KINDS = {"id": ID, "cost": MONEY, "balance": MONEY}


def smsc_fields(facts: Facts, text: str) -> list[Raw]:
    out: list[Raw] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        keys = list(_KEY.finditer(line))
        cost = _COST_LINE.fullmatch(line)
        if keys and keys[0].start() == 0:
            for i, key in enumerate(keys):
                end = keys[i + 1].start() if i + 1 < len(keys) else len(line)
                out.append((key.group(1), offset + key.end(), offset + end, ""))
        elif cost:
            out += [("cost", offset + cost.start(1), offset + cost.end(1), MONEY),
                    ("cnt", offset + cost.start(2), offset + cost.end(2), "")]
        elif "," in line or _NUMBER.fullmatch(line):
            position = offset
            for name, value in zip(_columns(facts, line, number == 0), line.split(","),
                                   strict=True):
                out.append((name, position, position + len(value), _COLUMN_KINDS.get(name, "")))
                position += len(value) + 1
        else:
            out.append((f"line{number + 1}", offset, offset + len(line), ""))
        offset += len(line) + 1
    return out


# --- TargetSMS -----------------------------------------------------------------------------

_IDS = re.compile(r"\d+(?:,\d+)*")
_SERIALIZED = re.compile(r's:\d+:"([^"]*)";(?:[id]:([^;]*);|s:\d+:"([^"]*)";)')
_BALANCE = re.compile(r"(-?\d+(?:\.\d+)?) (\w+)")


def target_fields(text: str) -> list[Raw]:
    if _IDS.fullmatch(text):
        out: list[Raw] = []
        position = 0
        for value in text.split(","):
            out.append(("id", position, position + len(value), ID))
            position += len(value) + 1
        return out
    if text.startswith("a:"):
        found: list[Raw] = []
        for pair in _SERIALIZED.finditer(text):
            group = 2 if pair.group(2) is not None else 3
            found.append((pair.group(1), pair.start(group), pair.end(group), ""))
        if found:
            return found
    first, _, rest = text.partition("\n")
    amount = _BALANCE.fullmatch(first)
    if amount:
        out = [("balance", amount.start(1), amount.end(1), MONEY),
               ("currency", amount.start(2), amount.end(2), "")]
        position = len(first) + 1
        for item in rest.split(",") if rest else []:
            name, _, count = item.partition(":")
            if count.isdigit():
                start = position + len(name) + 1
                out.append((f"package {name}", start, start + len(count), COUNT))
            position += len(item) + 1
        return out
    return [("answer", 0, len(text), "")]
