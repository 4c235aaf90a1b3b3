"""Phone numbers: parse what people type into international digits, and classify them.

SMSC's rule (002, `phones`): a number without "+" may be autocorrected into the international
format; a leading "+" turns autocorrection off. The autocorrections are the ones every Russian
gateway applies: 8XXXXXXXXXX → 7XXXXXXXXXX, 9XXXXXXXXX → 79XXXXXXXXX, 0XXXXXXXXX → 380XXXXXXXXX.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from sms_mocks.core.numbering import NumberInfo, lookup

_SEPARATORS = str.maketrans("", "", " -().\t\u00a0")


class PhoneProblem(Enum):
    FORMAT = "format"  # not a phone number at all
    NOT_MOBILE = "not_mobile"  # a fixed line: exists, cannot take SMS
    NO_ROUTE = "no_route"  # well-formed, but no country/operator the plan knows


@dataclass(frozen=True, slots=True)
class Phone:
    raw: str
    digits: str  # international, no "+"; "" when unparseable
    info: NumberInfo | None
    problem: PhoneProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _autocorrect(digits: str) -> str:
    if len(digits) == 11 and digits[0] == "8":
        return "7" + digits[1:]
    if len(digits) == 10 and digits[0] == "9":
        return "7" + digits
    if len(digits) == 10 and digits[0] == "0":
        return "38" + digits
    if digits.startswith("00"):
        return digits[2:]
    return digits


@lru_cache(maxsize=4096)
def parse(raw: str) -> Phone:
    text = raw.strip()
    explicit = text.startswith("+")
    digits = text[1:] if explicit else text
    if not digits.isdigit():
        digits = digits.translate(_SEPARATORS)
    if not digits.isascii() or not digits.isdigit() or not 7 <= len(digits) <= 15:
        return Phone(raw, "", None, PhoneProblem.FORMAT)
    if not explicit:
        digits = _autocorrect(digits)
    info = lookup(digits)
    if info is None:
        return Phone(raw, digits, None, PhoneProblem.NO_ROUTE if len(digits) >= 10
                     else PhoneProblem.FORMAT)
    if not info.mobile:
        return Phone(raw, digits, info, PhoneProblem.NOT_MOBILE)
    return Phone(raw, digits, info, None)


def normalize(raw: str) -> str | None:
    """International digits of a mobile number, or None."""
    phone = parse(raw)
    return phone.digits if phone.ok else None
