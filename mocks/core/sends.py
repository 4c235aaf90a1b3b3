"""What a send is made of: the request a dialect builds, the answer the gateway gives, and
why a send or one of its recipients is refused. The planner (planner.py) and the gateway
(gateway.py) both speak it; dialects import it from gateway.py, where they send."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from sms_mocks.core.delivery import Outcome
from sms_mocks.core.limits import Rule
from sms_mocks.core.messages import Message
from sms_mocks.core.numbering import NumberInfo


class Refusal(Enum):
    ACCOUNT_BLOCKED = "account_blocked"
    SENDER_UNKNOWN = "sender_unknown"
    SENDER_NOT_MODERATED = "sender_not_moderated"
    TEXT_REJECTED = "text_rejected"  # the account's moderation refuses a word of the text
    NO_FUNDS = "no_funds"
    NO_PACKAGE = "no_package"  # the account pays by packages and none covers a number
    PACKAGE_USED_UP = "package_used_up"  # the packages that cover a number are used up
    BAD_NUMBERS = "bad_numbers"  # every recipient has a malformed number
    UNDELIVERABLE = "undeliverable"  # every recipient is refused for another reason


# Magic 9BBB codes refuse a send with REFUSALS[BBB - 1] (see outcomes.py).
REFUSALS = tuple(Refusal)


class SendRefused(Exception):
    def __init__(self, reason: Refusal, ext_id: str | None = None, *,
                 rejected: list[Rejected] | None = None, accepted: int = 0,
                 decided: Outcome | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.ext_id = ext_id
        self.rejected = rejected or []  # why each recipient was refused, when known
        self.accepted = accepted  # recipients that would have been sent (refused for money)
        self.decided = decided  # a magic 9BBB code refused it: which (outcomes.refused_by)
        self.phone = ""  # the recipient whose number or text held that code


@dataclass(slots=True)
class Item:
    """One text to one or more recipients; a request may carry several (SMSC `list`)."""

    phones: list[str]
    text: str
    sender: str | None = None
    comment: str = ""  # kept for the history, never sent (SMSC's "\n~~~\n")
    send_at: float | None = None  # this item's own time (SMSC's per-line tz); None: the request's


@dataclass(slots=True)
class SendRequest:
    items: list[Item]
    ext_id: str | None = None
    send_at: float | None = None  # absolute, on the gateway's clock; None: now
    valid_seconds: float | None = None
    maxsms: int | None = None
    translit: int = 0
    channel: str = "sms"
    per_number_rule: Rule | None = None  # SMSC's flood rule; None: not applied
    pay_on_delivery: bool = False  # refund each message that ends undelivered
    id_from_batch: bool = False  # without ext_id, name the send after its mailing id
    units: int | None = None  # billed units a recipient (call seconds, binary parts); None:
    #                           SMS parts for sms/flash, one for other channels
    unit_seconds: int = 0  # with units: each unit is this many seconds of a per-minute price
    encoding: str | None = None  # overrides the text's detected encoding ("binary")
    extra: dict[str, str] | None = None  # kept on each message (see Message.extra)
    spread: tuple[float, float] | None = None  # (period, every): recipients go out in equal
    #                                            groups every `every` seconds over `period`


@dataclass(slots=True)
class Rejected:
    raw: str
    phone: str
    info: NumberInfo | None
    err: int
    decided: Outcome | None = None  # a magic 8BBB code refused it (refused_by)


@dataclass(slots=True)
class SendResult:
    ext_id: str
    messages: list[Message]
    rejected: list[Rejected]
    parts: int  # SMS parts over all accepted recipients
    cost: Decimal
    balance: Decimal
    batch: int = 0  # the mailing's server-wide id; 0 for a dry run
    send_at: float = 0.0
    accepted: int = 0  # recipients sent (or, for a dry run, that would be)
