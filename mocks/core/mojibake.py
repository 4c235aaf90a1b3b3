"""Text that is UTF-8 read as windows-1251: "Ваш код" sent without charset=utf-8 to a
provider whose default is windows-1251 (SMSC) arrives as "Р’Р°С€ РєРѕРґ". That is faithful, but a
trap, so the inbox and the journal point it out.

A text is taken for such mojibake when encoding it back to windows-1251 gives bytes that are
valid UTF-8 and decode to Cyrillic, and it holds one of the marks such bytes leave: the second
byte of a UTF-8 Cyrillic letter read as windows-1251 is a symbol or a non-Russian letter (° € є
ѕ ґ Ѓ ...). Real Russian text never is both: its letters are lone high bytes in windows-1251,
which UTF-8 refuses, and the few pairs that do decode ("Рё") are made of letters and the
punctuation Russian text uses, which are not counted as marks.
"""

from __future__ import annotations

# windows-1251 0x80-0xBF (what the second byte of a UTF-8 Cyrillic letter reads as), less the
# letters and punctuation real Russian text uses.
_MARKS = frozenset(bytes(range(0x80, 0xC0)).decode("cp1251", "ignore")) - frozenset(
    "Ёё«»–—№‘’“”„…\u00a0·")

HINT = ("looks like UTF-8 read as windows-1251: send charset=utf-8 (or the provider's own "
        "way to say UTF-8) with the request")
_MIN_LETTERS = 2  # one stray pair of symbols is not enough to call it


def _cyrillic(text: str) -> int:
    return sum(1 for c in text if "\u0400" <= c <= "\u04ff")


def repaired(text: str) -> str | None:
    """What the sender meant, if `text` is UTF-8 read as windows-1251; else None."""
    if text.isascii() or not any(c in _MARKS for c in text):  # the usual cases
        return None
    try:
        meant = text.encode("cp1251").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if meant == text or _cyrillic(meant) < _MIN_LETTERS:
        return None
    return meant


def hint(text: str) -> str | None:
    """The hint to show beside such a text, naming what was meant; None for any other."""
    meant = repaired(text)
    if meant is None:
        return None
    shown = meant if len(meant) <= 40 else meant[:39] + "…"
    return f"{HINT} (it reads \"{shown}\" as UTF-8)"
