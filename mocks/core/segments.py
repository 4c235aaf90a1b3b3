"""SMS segmentation: GSM-7 or UCS-2, how many parts, and trimming to a part budget.

GSM-7 (3GPP TS 23.038): 160 septets in one SMS, 153 per part of a long one; characters of the
extension table take two septets and are never split between parts. Anything outside GSM-7
makes the whole message UCS-2: 70 UTF-16 units in one SMS, 67 per part, surrogate pairs kept
whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"

_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True, slots=True)
class Segmentation:
    encoding: str
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def encoding_of(text: str) -> str:
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            return UCS2
    return GSM7


def _unit_costs(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _split(costs: list[int], per_part: int) -> list[int]:
    """Index where each part after the first starts, filling parts greedily."""
    starts: list[int] = []
    used = 0
    for i, cost in enumerate(costs):
        if used + cost > per_part:
            starts.append(i)
            used = 0
        used += cost
    return starts


def _segment(text: str) -> Segmentation:
    encoding = encoding_of(text)
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    single, multi = _LIMITS[encoding]
    if units <= single:
        return Segmentation(encoding, units, 1)
    return Segmentation(encoding, units, len(_split(costs, multi)) + 1)


segment = lru_cache(maxsize=4096)(_segment)


# chr(): a surrogate cannot be a string literal in a module mypyc compiles
HIGH_SURROGATE_FIRST, HIGH_SURROGATE_LAST = chr(0xD800), chr(0xDBFF)


def trim_to_parts(text: str, max_parts: int) -> str:
    """The longest prefix of `text` that fits in `max_parts` SMS (SMSC's `maxsms`).

    Parts never decrease as a text grows, so a binary search over the prefix length finds it,
    also when a GSM-7 prefix of a UCS-2 text fits more characters."""
    if max_parts < 1 or segment(text).parts <= max_parts:
        return text
    low, high = 0, len(text)  # text[:low] fits, text[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if _segment(text[:middle]).parts <= max_parts:
            low = middle
        else:
            high = middle
    if 0 < low < len(text) and HIGH_SURROGATE_FIRST <= text[low - 1] <= HIGH_SURROGATE_LAST:
        low -= 1  # never end on half a surrogate pair
    return text[:low]
