"""A small built-in numbering plan: country, operator, mcc/mnc and mobile-or-not by prefix.

Enough for Russia, Kazakhstan, Ukraine and Belarus. Number portability is ignored: a prefix
always belongs to its original operator, which is what a test wants (deterministic).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class NumberInfo:
    country: str  # ISO 3166 alpha-2
    country_name: str
    operator: str
    mcc: str
    mnc: str
    mobile: bool
    region: str = ""
    length: int = 11  # digits, country code included

    @property
    def mccmnc(self) -> str:
        return self.mcc + self.mnc


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    iso: str
    name: str
    mcc: str
    length: int


_COUNTRIES = (
    _Country("7", "RU", "Россия", "250", 11),
    _Country("380", "UA", "Украина", "255", 12),
    _Country("375", "BY", "Беларусь", "257", 12),
)

# (country iso, operator, mnc, national prefixes)
_OPERATORS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("RU", "МТС", "01", (*(f"91{d}" for d in range(10)), *(f"98{d}" for d in range(10)))),
    ("RU", "МегаФон", "02",
     (*(f"92{d}" for d in range(10)), *(f"93{d}" for d in range(10)), "997")),
    ("RU", "Билайн", "99", ("903", "905", "906", "909", *(f"96{d}" for d in range(9)))),
    (
        "RU",
        "Tele2",
        "20",
        ("900", "901", "902", "904", "908", "950", "951", "952", "953", "958", "977",
         "991", "992", "993", "994", "995", "996", "999"),
    ),
    ("RU", "Мотив", "35", ("912", "922", "982")),
    ("KZ", "Beeline KZ", "01", ("705", "771", "776", "777")),
    ("KZ", "Kcell", "02", ("701", "702", "775", "778")),
    ("KZ", "Tele2 KZ", "77", ("707", "747")),
    ("KZ", "Altel", "07", ("700", "708")),
    ("UA", "Київстар", "03", ("67", "68", "96", "97", "98", "77")),
    ("UA", "Vodafone Україна", "01", ("50", "66", "95", "99", "75")),
    ("UA", "lifecell", "06", ("63", "73", "93")),
    ("BY", "A1", "01", ("291", "293", "296", "299", "44")),
    ("BY", "МТС Беларусь", "02", ("292", "295", "297", "298", "33")),
    ("BY", "life:)", "04", ("25",)),
)

_KZ = _Country("7", "KZ", "Казахстан", "401", 11)


def _build() -> dict[str, NumberInfo]:
    table: dict[str, NumberInfo] = {}
    by_iso = {c.iso: c for c in (*_COUNTRIES, _KZ)}
    for iso, operator, mnc, prefixes in _OPERATORS:
        country = by_iso[iso]
        for national in prefixes:
            # Мотив shares prefixes with МТС/МегаФон in reality; the first owner wins here.
            table.setdefault(
                country.code + national,
                NumberInfo(iso, country.name, operator, country.mcc, mnc, True,
                           length=country.length),
            )
    return table


_MOBILE = _build()
_PREFIX_LENGTHS = sorted({len(p) for p in _MOBILE}, reverse=True)


def _fallback(digits: str) -> NumberInfo | None:
    """Ranges of the table's countries that no operator row names: other Russian DEF codes
    are mobile with an unknown operator; the fixed-line ranges exist but cannot take SMS."""
    if digits.startswith("7"):
        national = digits[1:]
        if national[:1] == "9":
            c = _COUNTRIES[0]
            return NumberInfo(c.iso, c.name, "", c.mcc, "", True, length=c.length)
        if national[:1] in ("6", "7"):
            c = _KZ
        elif national[:1] in ("3", "4", "8"):
            c = _COUNTRIES[0]
        else:
            return None
        return NumberInfo(c.iso, c.name, "", c.mcc, "", False, length=c.length)
    for c in _COUNTRIES[1:]:
        if digits.startswith(c.code):
            return NumberInfo(c.iso, c.name, "", c.mcc, "", False, length=c.length)
    return None


@lru_cache(maxsize=4096)
def lookup(digits: str) -> NumberInfo | None:
    """Return what the plan knows of an international number (digits only), or None."""
    for n in _PREFIX_LENGTHS:
        info = _MOBILE.get(digits[:n])
        if info is not None:
            return info if len(digits) == info.length else None
    info = _fallback(digits)
    if info is not None and len(digits) == info.length:
        return info
    return None


def country_code_known(digits: str) -> bool:
    return any(digits.startswith(c.code) for c in _COUNTRIES)
