"""A recorded answer as a golden sees one: fixed text, which must come back byte for byte, and
placeholder slots, which may vary only within their kind's shape.

The shapes keep what is the dialect's and let go of what is the account's: an id is any
digits; a date keeps its layout (every digit may change, nothing else); money keeps its
number of decimals ("4.1" is not "4.10"); a timestamp or a count is any digits. An id seen
before must be the very id the replay got for it, so a status read names the right message,
and an id not seen before may not be one the replay gave for another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sms_mocks.record.fields import Field
from sms_mocks.seam.recording import COUNT, DATE, ID, KINDS, MONEY, TIMESTAMP

IdMap = dict[str, str]  # recorded id → the id the replay got


def shape(kind: str, value: str) -> str:
    """The pattern a placeholder of `kind` recorded as `value` accepts."""
    if kind == DATE:
        return re.sub(r"\d", lambda _: r"\d", re.escape(value))
    if kind == MONEY:
        decimals = len(value.partition(".")[2])
        return r"-?\d+" + (rf"\.\d{{{decimals}}}" if "." in value else "")
    if kind in (ID, TIMESTAMP, COUNT):
        return r"\d+"
    raise ValueError(f"not a placeholder kind: {kind!r}")


@dataclass(frozen=True, slots=True)
class Slot:
    field: str
    kind: str
    start: int
    end: int

    def data(self, text: str) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "at": self.start,
                "value": text[self.start:self.end]}


@dataclass(frozen=True, slots=True)
class Template:
    text: str
    slots: tuple[Slot, ...]

    @classmethod
    def of(cls, text: str, found: list[Field]) -> Template:
        slots = sorted((Slot(f.name, f.kind, f.start, f.end) for f in found if f.kind),
                       key=lambda s: s.start)
        kept: list[Slot] = []
        for slot in slots:  # overlapping spans cannot happen in a well-cut answer; be sure
            if not kept or slot.start >= kept[-1].end:
                kept.append(slot)
        return cls(text, tuple(kept))

    def value(self, slot: Slot) -> str:
        return self.text[slot.start:slot.end]

    def pattern(self, ids: Mapping[str, str]) -> re.Pattern[str]:
        # an id not seen before is a new one: not an id the replay gave for another
        taken = "|".join(re.escape(v) for v in sorted(set(ids.values()), key=len, reverse=True))
        fresh = rf"(?!(?:{taken})(?!\d))\d+" if taken else r"\d+"
        parts, position = [], 0
        for number, slot in enumerate(self.slots):
            parts.append(re.escape(self.text[position:slot.start]))
            recorded = self.value(slot)
            if slot.kind == ID:
                wanted = re.escape(ids[recorded]) if recorded in ids else fresh
            else:
                wanted = shape(slot.kind, recorded)
            parts.append(f"(?P<s{number}>{wanted})")
            position = slot.end
        parts.append(re.escape(self.text[position:]))
        return re.compile("".join(parts), re.S)

    def match(self, text: str, ids: Mapping[str, str]) -> IdMap | None:
        """The ids learned when `text` is this answer with its placeholders filled; None when
        it is not."""
        found = self.pattern(ids).fullmatch(text)
        if found is None:
            return None
        return {self.value(slot): found.group(f"s{n}") for n, slot in enumerate(self.slots)
                if slot.kind == ID}

    # --- as a golden stores it -----------------------------------------------------------
    def placeholders(self) -> list[dict[str, Any]]:
        return [slot.data(self.text) for slot in self.slots]

    @classmethod
    def from_data(cls, text: str, placeholders: list[Mapping[str, Any]]) -> Template:
        """A stored template, checked: each placeholder's value is where it says."""
        slots = []
        for item in placeholders:
            kind, at, value = str(item["kind"]), int(item["at"]), str(item["value"])
            if kind not in KINDS:
                raise ValueError(f"unknown placeholder kind {kind!r}")
            if text[at:at + len(value)] != value:
                raise ValueError(f"placeholder {item.get('field')!r} is not at {at}")
            slots.append(Slot(str(item.get("field", "")), kind, at, at + len(value)))
        return cls(text, tuple(sorted(slots, key=lambda s: s.start)))
