"""`tinyurl=1` (002, send.php): links in the text are replaced by short ones before the text is
split into parts and priced, so the parts, the cost and the stored text follow from the short
link. 002 does not show a short link; the emulator's are https://smsc.ru/ and six letters and
digits, the same for the same link (docs/fidelity.md)."""

from __future__ import annotations

import hashlib
import re

PREFIX = "https://smsc.ru/"
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»'"
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def short_link(link: str) -> str:
    number = int.from_bytes(hashlib.sha256(link.encode()).digest()[:8], "big")
    code = ""
    for _ in range(6):
        number, digit = divmod(number, len(_ALPHABET))
        code += _ALPHABET[digit]
    return PREFIX + code


def _replace(match: re.Match[str]) -> str:
    link = match[0]
    kept = len(link.rstrip(_TRAILING))
    link, tail = link[:kept], link[kept:]
    if not link or link.lower().startswith(PREFIX):
        return match[0]
    return short_link(link) + tail


def shorten(text: str) -> str:
    """The text with every http(s):// or www. link replaced by its short link."""
    return _LINK.sub(_replace, text) if ("://" in text or "www." in text.lower()) else text
