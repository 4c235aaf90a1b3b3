"""The gateway: the core's commands, one call per thing a client can ask of any provider.

Dialects authenticate through it, send and price through it, and read messages from it. It owns
the clock, the accounts, the ledger, the message store, the delivery engine, the limits and the
event bus; dialects own none of these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from sms_mocks.core import carriers, outcomes
from sms_mocks.core.accounts import Account, AccountRegistry, SenderState
from sms_mocks.core.changes import Changes
from sms_mocks.core.clock import Clock
from sms_mocks.core.delivery import DeliveryEngine, Timings
from sms_mocks.core.events import EventBus
from sms_mocks.core.ledger import Ledger
from sms_mocks.core.limits import ErrorBlocker, InFlight, Limits, Rule, SlidingWindow, Streaks
from sms_mocks.core.messages import (
    ERR_BAD_NUMBER,
    ERR_NO_ROUTE,
    ERR_NUMBER_FORBIDDEN,
    ERR_NUMBER_LIMIT,
    Message,
    MessageStore,
    State,
)
from sms_mocks.core.money import ZERO
from sms_mocks.core.numbering import NumberInfo
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.core.segments import segment, trim_to_parts
from sms_mocks.core.translit import translit

# Channels billed by SMS part; the others (viber, e-mail, HLR, ...) count one unit a recipient.
SEGMENTED_CHANNELS = frozenset({"sms", "flash"})


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
                 rejected: list[Rejected] | None = None, accepted: int = 0) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.ext_id = ext_id
        self.rejected = rejected or []  # why each recipient was refused, when known
        self.accepted = accepted  # recipients that would have been sent (refused for money)


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


def _virtual(account: Account, request: SendRequest) -> bool:
    """Test mode sends all but e-mail virtually: no operator, no charge, no package used."""
    return account.test_mode and request.channel != "mail"


def _groups(count: int, spread: tuple[float, float] | None) -> tuple[int, float]:
    """(recipients a group, seconds between groups) for a mailing spread over a period; the
    groups are as equal as they can be, the last one no later than the period allows."""
    if spread is None or count <= 1:
        return max(count, 1), 0.0
    period, every = spread
    groups = max(1, min(count, math.ceil(period / every)))
    return math.ceil(count / groups), every


@dataclass(slots=True)
class _Planned:
    phone: str
    info: NumberInfo | None
    text: str
    sender: str
    parts: int
    encoding: str
    cost: Decimal
    comment: str
    magic: int | None  # the recipient's magic code, from its number or the text (outcomes)
    send_at: float | None  # the item's own time, else the request's


@dataclass(slots=True)
class Gateway:
    clock: Clock
    timings: Timings = field(default_factory=Timings)
    limits: Limits = field(default_factory=Limits)
    accounts: AccountRegistry = field(default_factory=AccountRegistry)
    store: MessageStore = field(default_factory=MessageStore)
    ledger: Ledger = field(default_factory=Ledger)
    events: EventBus = field(default_factory=EventBus)
    engine: DeliveryEngine = field(init=False)
    windows: dict[str, SlidingWindow] = field(default_factory=dict)
    streaks: Streaks = field(init=False)
    in_flight: InFlight = field(default_factory=InFlight)
    blocker: ErrorBlocker = field(init=False)
    _cost_cache: dict[tuple[Decimal, int, int], Decimal] = field(default_factory=dict)
    _strings: dict[str, str] = field(default_factory=dict)
    # What a dialect keeps beside messages (SMSC's templates, say), by a name it chooses;
    # emptied with everything else by clear().
    dialect_state: dict[str, Any] = field(default_factory=dict)
    # The control API's outcome rules, oldest first; the newest that matches decides.
    outcome_rules: list[outcomes.OutcomeRule] = field(default_factory=list)
    throttle: carriers.Throttle = field(default_factory=carriers.Throttle)
    # Set by a store (--data-dir) to note what it must write; None keeps everything in memory.
    changes: Changes | None = None

    def __post_init__(self) -> None:
        self.engine = DeliveryEngine(self.events, self.timings, on_final=self._settle)
        self.streaks = Streaks(self.clock)
        self.blocker = ErrorBlocker(self.clock)

    # time ------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def tick(self) -> int:
        """Fire every transition that is due by now."""
        return self.engine.run_due(self.clock.now())

    def advance(self, seconds: float) -> int:
        """Move the clock forward, firing what falls due on the way in order."""
        self.clock.advance(seconds)
        return self.tick()

    # accounts ----------------------------------------------------------------------------
    def authenticate(self, provider: str, login: str, password: str) -> Account | None:
        account = self.accounts.get(provider, login)
        if account is None or not account.check_password(password):
            return None
        return account

    def by_api_key(self, provider: str, key: str) -> Account | None:
        return self.accounts.by_api_key(provider, key) if key else None

    # limits ------------------------------------------------------------------------------
    def rule(self, name: str, account: Account | None) -> Rule:
        return self.limits.rule(name, account.limits if account is not None else None)

    def allow(self, name: str, account: Account | None, key: Hashable) -> bool:
        """Count one request under a sliding-window rule; False when it is over the limit."""
        rule = self.rule(name, account)
        if not rule.enabled:
            return True
        window = self.windows.get(name)
        if window is None:
            window = self.windows[name] = SlidingWindow(self.clock)
        allowed = window.hit(key, rule)
        if allowed and self.changes is not None:
            self.changes.hit(window, key, self.clock.now())
        return allowed

    # sending -----------------------------------------------------------------------------
    def send(self, account: Account, request: SendRequest, *, dry_run: bool = False) -> SendResult:
        """Accept a send (or only price it, with dry_run): all recipients or none are charged."""
        ext_id = request.ext_id
        batch = 0
        if self.changes is not None:  # its ids, balance and packages may change
            self.changes.accounts.add(account)
        if ext_id is None and not dry_run:
            if request.id_from_batch:
                batch = self.store.new_batch()
                ext_id = str(batch)
            else:
                ext_id = str(account.next_id())
        if account.blocked:
            raise SendRefused(Refusal.ACCOUNT_BLOCKED, ext_id)
        planned, rejected = self._plan(account, request, ext_id)
        total = sum((p.cost for p in planned), ZERO)
        parts = sum(p.parts for p in planned)
        virtual = _virtual(account, request)
        packages = {} if virtual else self._package_use(account, planned, ext_id)
        if dry_run:
            return SendResult(ext_id or "", [], rejected, parts, total, account.balance,
                              accepted=len(planned))
        assert ext_id is not None
        if not self.ledger.can_pay(account, total):
            raise SendRefused(Refusal.NO_FUNDS, ext_id, rejected=rejected,
                              accepted=len(planned))
        self.ledger.charge(account, total)
        for key, used in packages.items():
            account.packages[key] -= used
        now = self.clock.now()
        send_at = now if request.send_at is None else max(now, request.send_at)
        validity = request.valid_seconds or self.timings.validity_seconds
        batch = batch or self.store.new_batch()
        messages = []
        per_number = request.per_number_rule
        group, every = _groups(len(planned), request.spread)
        for index, p in enumerate(planned):
            if per_number is not None and per_number.enabled:
                self.streaks.record((account.key, p.phone), per_number)
            start = send_at if p.send_at is None else max(now, p.send_at)
            at = start + (index // group) * every if every else start
            message_id = self.store.new_id()
            message = Message(
                id=message_id, account=account, ext_id=ext_id, phone=p.phone,
                text=p.text, sender=p.sender, parts=p.parts, cost=p.cost, created_at=now,
                send_at=at, valid_until=at + validity,
                outcome=outcomes.VIRTUAL if virtual else self._outcome(account, p, message_id,
                                                                        max(at, now)),
                encoding=p.encoding, channel=request.channel, comment=p.comment,
                batch=batch, pay_on_delivery=request.pay_on_delivery, extra=request.extra,
            )
            self.store.add(message)
            self.engine.submit(message)
            messages.append(message)
        for r in rejected:
            self._store_rejected(account, ext_id, request, r, now, batch)
        return SendResult(ext_id, messages, rejected, parts, total, account.balance, batch,
                          send_at, len(messages))

    def _outcome(self, account: Account, p: _Planned, message_id: int,
                 leaves: float) -> outcomes.Outcome:
        """A magic code, else the newest matching rule, else the carrier profile."""
        if p.magic is not None:
            found = outcomes.outcome_for(p.magic)
            if found is not None:
                return found
        if self.outcome_rules:
            found = outcomes.first_match(self.outcome_rules, account.provider, account.login,
                                         p.phone)
            if found is not None:
                return found
        carrier = account.carrier
        if carrier == carriers.HEALTHY:
            return outcomes.DELIVER
        if carrier == "throttling":
            delay = self.throttle.queue_delay(account.key, leaves, self.timings.queue_seconds)
            return outcomes.Outcome(queue_seconds=delay)
        return carriers.outcome(carrier, message_id)

    def _plan(self, account: Account, request: SendRequest,
              ext_id: str | None) -> tuple[list[_Planned], list[Rejected]]:
        planned: list[_Planned] = []
        rejected: list[Rejected] = []
        only_format_errors = True
        for item in request.items:
            seen: set[str] = set()  # one message per recipient and text
            sender = self._share(self._sender(account, item.sender, ext_id))
            text = self._share(translit(item.text, request.translit) if request.translit
                               else item.text)
            comment = self._share(item.comment)
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
            free = _virtual(account, request)
            token = outcomes.token_code(text)
            for raw in item.phones:
                address, info, err = self._recipient(account, raw, request)
                if address and address in seen:
                    continue
                seen.add(address)
                magic = outcomes.magic_code(address)
                if magic is None:
                    magic = token
                if magic is not None and not err:
                    refusal = outcomes.refusal_index(magic)
                    if refusal and refusal <= len(REFUSALS):
                        raise SendRefused(REFUSALS[refusal - 1], ext_id, rejected=rejected,
                                          accepted=len(planned) + 1)
                    err = outcomes.recipient_err(magic)
                if err:
                    if err != ERR_BAD_NUMBER:
                        only_format_errors = False
                    rejected.append(Rejected(raw, address, info, err))
                    continue
                price = account.tariff.price(info, request.channel)
                cost = ZERO if free else self._cost(price, parts, request.unit_seconds)
                planned.append(_Planned(address, info, text, sender, parts,
                                        encoding, cost, comment, magic, item.send_at))
        if not planned:
            reason = Refusal.BAD_NUMBERS if only_format_errors else Refusal.UNDELIVERABLE
            raise SendRefused(reason, ext_id, rejected=rejected)
        return planned, rejected

    def _package_use(self, account: Account, planned: list[_Planned],
                     ext_id: str | None) -> dict[str, int]:
        """Parts each prepaid package would pay, most specific package first; refused when a
        number has no package, or its packages are used up. Empty without packages."""
        use: dict[str, int] = {}
        if not account.packages:
            return use
        for p in planned:
            keys = account.packages_for(p.info)
            if not keys:
                raise SendRefused(Refusal.NO_PACKAGE, ext_id)
            key = next((k for k in keys if account.packages[k] - use.get(k, 0) >= p.parts),
                       None)
            if key is None:
                raise SendRefused(Refusal.PACKAGE_USED_UP, ext_id)
            use[key] = use.get(key, 0) + p.parts
        return use

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
        if rule is not None and rule.enabled and not self.streaks.check(
                (account.key, phone.digits), rule):
            return phone.digits, phone.info, ERR_NUMBER_LIMIT
        return phone.digits, phone.info, 0

    def _sender(self, account: Account, given: str | None, ext_id: str | None) -> str:
        if not given:
            return account.default_sender()
        state = account.sender_state(given)
        if state is None:
            raise SendRefused(Refusal.SENDER_UNKNOWN, ext_id)
        if state is not SenderState.APPROVED:
            raise SendRefused(Refusal.SENDER_NOT_MODERATED, ext_id)
        return given

    def _share(self, text: str) -> str:
        """One object for equal texts: templated sends repeat a few texts a million times."""
        found = self._strings.get(text)
        if found is None:
            if len(self._strings) >= 4096:
                self._strings.clear()
            found = self._strings[text] = text
        return found

    def _cost(self, price: Decimal, units: int, unit_seconds: int = 0) -> Decimal:
        """`units` at `price` each; or, with unit_seconds, `units` seconds of a price per
        minute, to the kopeck (a call)."""
        # Shared Decimal objects: a million messages need not carry a million equal costs.
        key = (price, units, unit_seconds)
        cost = self._cost_cache.get(key)
        if cost is None:
            if unit_seconds:
                exact = price * units * unit_seconds / 60
                cost = exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
            else:
                cost = price * units
            self._cost_cache[key] = cost
        return cost

    def _store_rejected(self, account: Account, ext_id: str, request: SendRequest,
                        r: Rejected, now: float, batch: int) -> None:
        message = Message(
            id=self.store.new_id(), account=account, ext_id=ext_id, phone=r.phone or r.raw,
            text="", sender="", parts=0, cost=ZERO, created_at=now, send_at=now,
            valid_until=now, channel=request.channel, batch=batch,
        )
        self.store.add(message)
        self.engine.transition(message, State.REJECTED, now, r.err)

    # reading -----------------------------------------------------------------------------
    def find(self, account: Account, ext_id: str, phone: str) -> Message | None:
        digits = parse(phone).digits or phone
        return self.store.find(account, ext_id, digits)

    def cancel(self, messages: Iterable[Message], *, dry_run: bool = False) -> list[Message]:
        """Stop the messages that have not gone to the operator yet, refunding each; the
        others are left alone. Returns the ones stopped (or, dry, that would be)."""
        now = self.clock.now()
        stopped = [m for m in messages if m.state is State.QUEUED]
        if not dry_run:
            for message in stopped:
                self.engine.cancel(message, now)
        return stopped

    def polled(self, message: Message | None) -> None:
        """A client read this message's status (any dialect): an outcome that waits for
        status reads counts it, and may move on before the read is answered."""
        outcome = message.outcome if message is not None else None
        if outcome is not None and outcome.polls:  # type: ignore[attr-defined]
            self.engine.poll(message, self.clock.now())  # type: ignore[arg-type]

    def finish(self, message: Message, state: State, err: int = 0) -> None:
        """End a message by hand, now (the control API); the caller checks it may."""
        self.engine.finish(message, state, self.clock.now(), err)

    def _settle(self, message: Message) -> None:
        """Money when a message ends: a cancelled one, or an undelivered one sent on
        pay-on-delivery terms, gets its cost back."""
        if message.cost and message.refunded:
            self.ledger.refund(message.account, message.cost)

    def delete(self, message: Message) -> None:
        if message.due is not None:
            message.due = None  # its timer entry goes stale
        self.store.remove(message)
        if self.changes is not None:
            self.changes.delete(message)

    def touched(self, account: Account) -> None:
        """An account was changed outside a send (the control API): a store writes it."""
        if self.changes is not None:
            self.changes.accounts.add(account)

    def dialect_changed(self, name: str) -> None:
        """A dialect changed what it keeps in dialect_state[name]: a store writes it."""
        if self.changes is not None:
            self.changes.dialect.add(name)

    def messages(self, predicate: Callable[[Message], bool] | None = None) -> Iterable[Message]:
        return (m for m in self.store if predicate is None or predicate(m))

    # lifecycle ---------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every message, timer and counter (accounts stay)."""
        self.dialect_state.clear()
        if self.changes is not None:
            self.changes.clear_all()
        self.store.clear()
        self.engine.clear()
        for window in self.windows.values():
            window.clear()
        self.streaks.clear()
        self.blocker.clear()
        self.throttle.clear()
