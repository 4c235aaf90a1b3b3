"""Cyrillic to Latin, in SMSC's two styles (002, `translit`):
1 gives "translit", 2 gives "mpaHc/Ium" (Latin look-alikes of the Cyrillic letters)."""

from __future__ import annotations

_PLAIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "'", "ы": "y", "ь": "'", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}

_LOOKALIKE = {
    "а": "a", "б": "6", "в": "B", "г": "r", "д": "g", "е": "e", "ё": "e", "ж": ">|<",
    "з": "3", "и": "u", "й": "u", "к": "K", "л": "/I", "м": "M", "н": "H", "о": "o",
    "п": "n", "р": "p", "с": "c", "т": "m", "у": "y", "ф": "cp", "х": "x", "ц": "LL,",
    "ч": "4", "ш": "LLI", "щ": "LLI,", "ъ": "'b", "ы": "bI", "ь": "b", "э": "-)", "ю": "I-O",
    "я": "9I", "і": "i", "ї": "i", "є": "e", "ґ": "r",
}


def _table(base: dict[str, str], *, upper_style: str) -> dict[int, str]:
    table = {ord(k): v for k, v in base.items()}
    for k, v in base.items():
        up = k.upper()
        if up != k:
            table[ord(up)] = v.capitalize() if upper_style == "capitalize" else v
    return table


_TABLES = {
    1: _table(_PLAIN, upper_style="capitalize"),
    2: _table(_LOOKALIKE, upper_style="same"),
}


def translit(text: str, mode: int) -> str:
    table = _TABLES.get(mode)
    return text if table is None else text.translate(table)
