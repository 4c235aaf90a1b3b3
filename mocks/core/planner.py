"""Send planning: what a SendRequest would become, before anything is charged or stored.

The planner checks the sender and the text, reads every recipient (its kind, number, stop
list, closed directions, flood streak, magic code), prices each one and says which prepaid
packages would pay. It changes nothing but its caches: the gateway decides, from the plan,
whether the send goes ahead (gateway.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from sms_mocks.core import outcomes
from sms_mocks.core.accounts import Account, SenderState
from sms_mocks.core.limits import Streaks
from sms_mocks.core.messages import (
    ERR_BAD_NUMBER,
    ERR_NO_ROUTE,
    ERR_NUMBER_FORBIDDEN,
    ERR_NUMBER_LIMIT,
)
from sms_mocks.core.money import ZERO
from sms_mocks.core.numbering import NumberInfo
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.core.segments import segment, trim_to_parts
from sms_mocks.core.sends import REFUSALS, Refusal, Rejected, SendRefused, SendRequest
from sms_mocks.core.translit import translit

# Channels billed by SMS part; the others (viber, e-mail, HLR, ...) count one unit a recipient.
SEGMENTED_CHANNELS = frozenset({"sms", "flash"})
SHARED_TEXTS = 4096  # distinct texts share() keeps before it starts again


class RecipientKind(Enum):
    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"  # a Telegram @nick or #id
    INVALID = "invalid"


_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def recipient_kind(raw: str, channel: str) -> RecipientKind:
    """E-mail goes to addresses, a Telegram bot also to @nick or #id; the rest to phones."""
    text = raw.strip()
    if channel == "mail":
        return RecipientKind.EMAIL if _EMAIL.match(text) else RecipientKind.INVALID
    if channel == "bot" and len(text) > 1 and text[0] in "@#":
        return RecipientKind.MESSENGER
    return RecipientKind.PHONE


def is_virtual(account: Account, request: SendRequest) -> bool:
    """Test mode sends all but e-mail virtually: no operator, no charge, no package used."""
    return account.test_mode and request.channel != "mail"


@dataclass(slots=True)
class Planned:
    """One message a send would make."""

    phone: str
    info: NumberInfo | None
    text: str
    sender: str
    parts: int
    encoding: str
    cost: Decimal
    comment: str
    magic: int | None  # the recipient's magic code, from its number or the text (outcomes)
    cause: int  # where that code came from: outcomes.BY_NUMBER or BY_TOKEN
    send_at: float | None  # the item's own time, else the request's


class Planner:
    """Plans sends for a gateway; `streaks` are the gateway's flood streaks, read, not
    counted (the gateway counts the recipients it accepts)."""

    def __init__(self, streaks: Streaks) -> None:
        self._streaks = streaks
        self._strings: dict[str, str] = {}
        self._costs: dict[tuple[Decimal, int, int], Decimal] = {}

    def plan(self, account: Account, request: SendRequest, ext_id: str | None,
             magic_prefix: str | None) -> tuple[list[Planned], list[Rejected]]:
        """The messages the request would make and the recipients it refuses; SendRefused
        when the send as a whole is refused (a sender, a word, a 9BBB code, no recipient)."""
        planned: list[Planned] = []
        rejected: list[Rejected] = []
        only_format_errors = True
        for item in request.items:
            seen: set[str] = set()  # one message per recipient and text
            sender = self.share(_sender(account, item.sender, ext_id))
            text = self.share(translit(item.text, request.translit) if request.translit
                              else item.text)
            comment = self.share(item.comment)
            if account.banned_words and any(w in text.lower() for w in account.banned_words):
                raise SendRefused(Refusal.TEXT_REJECTED, ext_id)
            if request.maxsms:
                text = trim_to_parts(text, request.maxsms)
            seg = segment(text)
            if request.units is not None:
                parts = request.units
            else:
                parts = seg.parts if request.channel in SEGMENTED_CHANNELS else 1
            encoding = request.encoding or seg.encoding
            free = is_virtual(account, request)
            token = outcomes.token_code(text)
            for raw in item.phones:
                address, info, err = self._recipient(account, raw, request)
                if address and address in seen:
                    continue
                seen.add(address)
                magic, cause = outcomes.magic_code(address, magic_prefix), outcomes.BY_NUMBER
                if magic is None:
                    magic, cause = token, outcomes.BY_TOKEN
                decided = None
                if magic is not None and not err:
                    refusal = outcomes.refusal_index(magic)
                    if refusal and refusal <= len(REFUSALS):
                        refused = SendRefused(REFUSALS[refusal - 1], ext_id, rejected=rejected,
                                              accepted=len(planned) + 1,
                                              decided=outcomes.refused_by(magic, cause))
                        refused.phone = address
                        raise refused
                    err = outcomes.recipient_err(magic)
                    if err:
                        decided = outcomes.refused_by(magic, cause)
                if err:
                    if err != ERR_BAD_NUMBER:
                        only_format_errors = False
                    rejected.append(Rejected(raw, address, info, err, decided))
                    continue
                price = account.tariff.price(info, request.channel)
                cost = ZERO if free else self.cost(price, parts, request.unit_seconds)
                planned.append(Planned(address, info, text, sender, parts,
                                       encoding, cost, comment, magic, cause, item.send_at))
        if not planned:
            reason = Refusal.BAD_NUMBERS if only_format_errors else Refusal.UNDELIVERABLE
            raise SendRefused(reason, ext_id, rejected=rejected)
        return planned, rejected

    def _recipient(self, account: Account, raw: str,
                   request: SendRequest) -> tuple[str, NumberInfo | None, int]:
        """(address, numbering info, refusal err or 0) for one recipient of a request."""
        kind = recipient_kind(raw, request.channel)
        if kind is not RecipientKind.PHONE:
            address = raw.strip()
            return address, None, 0 if kind is not RecipientKind.INVALID else ERR_BAD_NUMBER
        phone = parse(raw)
        if phone.problem is PhoneProblem.FORMAT:
            return phone.digits, None, ERR_BAD_NUMBER
        if phone.problem is not None:
            return phone.digits, phone.info, ERR_NO_ROUTE
        if phone.digits in account.stop_list or (phone.info and account.closes(phone.info)):
            return phone.digits, phone.info, ERR_NUMBER_FORBIDDEN
        rule = request.per_number_rule
        if rule is not None and rule.enabled and not self._streaks.check(
                (account.key, phone.digits), rule):
            return phone.digits, phone.info, ERR_NUMBER_LIMIT
        return phone.digits, phone.info, 0

    def share(self, text: str) -> str:
        """One object for equal texts: templated sends repeat a few texts a million times."""
        found = self._strings.get(text)
        if found is None:
            if len(self._strings) >= SHARED_TEXTS:
                self._strings.clear()
            found = self._strings[text] = text
        return found

    def cost(self, price: Decimal, units: int, unit_seconds: int = 0) -> Decimal:
        """`units` at `price` each; or, with unit_seconds, `units` seconds of a price per
        minute, to the kopeck (a call)."""
        # Shared Decimal objects: a million messages need not carry a million equal costs.
        key = (price, units, unit_seconds)
        cost = self._costs.get(key)
        if cost is None:
            if unit_seconds:
                exact = price * units * unit_seconds / 60
                cost = exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
            else:
                cost = price * units
            self._costs[key] = cost
        return cost


def package_use(account: Account, planned: list[Planned], ext_id: str | None) -> dict[str, int]:
    """Parts each prepaid package would pay, most specific package first; refused when a
    number has no package, or its packages are used up. Empty without packages."""
    use: dict[str, int] = {}
    if not account.packages:
        return use
    for p in planned:
        keys = account.packages_for(p.info)
        if not keys:
            raise SendRefused(Refusal.NO_PACKAGE, ext_id)
        key = next((k for k in keys if account.packages[k] - use.get(k, 0) >= p.parts), None)
        if key is None:
            raise SendRefused(Refusal.PACKAGE_USED_UP, ext_id)
        use[key] = use.get(key, 0) + p.parts
    return use


def _sender(account: Account, given: str | None, ext_id: str | None) -> str:
    if not given:
        return account.default_sender()
    state = account.sender_state(given)
    if state is None:
        raise SendRefused(Refusal.SENDER_UNKNOWN, ext_id)
    if state is not SenderState.APPROVED:
        raise SendRefused(Refusal.SENDER_NOT_MODERATED, ext_id)
    return given
