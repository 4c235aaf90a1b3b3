"""The gateway: the core's commands, one call per thing a client can ask of any provider.

Dialects authenticate through it, send and price through it, and read messages from it. It owns
the clock, the accounts, the ledger, the message store, the delivery engine, the limits and the
event bus; dialects own none of these. What a send would make is the planner's to say
(planner.py); the gateway charges, stores and submits it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sms_mocks.core import carriers, outcomes
from sms_mocks.core.accounts import Account, AccountRegistry
from sms_mocks.core.changes import Changes
from sms_mocks.core.clock import Clock
from sms_mocks.core.delivery import DELIVER, DeliveryEngine, Outcome, Timings
from sms_mocks.core.events import EventBus
from sms_mocks.core.ledger import Ledger
from sms_mocks.core.limits import ErrorBlocker, InFlight, Limits, Rule, SlidingWindow, Streaks
from sms_mocks.core.messages import Message, MessageStore, State
from sms_mocks.core.money import ZERO
from sms_mocks.core.phones import parse
from sms_mocks.core.planner import Planned, Planner, is_virtual, package_use

# What a send is made of, where the dialects that send have always found it.
from sms_mocks.core.planner import RecipientKind as RecipientKind
from sms_mocks.core.planner import recipient_kind as recipient_kind
from sms_mocks.core.sends import REFUSALS as REFUSALS
from sms_mocks.core.sends import Item as Item
from sms_mocks.core.sends import Refusal as Refusal
from sms_mocks.core.sends import Rejected as Rejected
from sms_mocks.core.sends import SendRefused as SendRefused
from sms_mocks.core.sends import SendRequest as SendRequest
from sms_mocks.core.sends import SendResult as SendResult


def _groups(count: int, spread: tuple[float, float] | None) -> tuple[int, float]:
    """(recipients a group, seconds between groups) for a mailing spread over a period; the
    groups are as equal as they can be, the last one no later than the period allows."""
    if spread is None or count <= 1:
        return max(count, 1), 0.0
    period, every = spread
    groups = max(1, min(count, math.ceil(period / every)))
    return math.ceil(count / groups), every


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
    planner: Planner = field(init=False)  # what a send would make (planner.py)
    # What a dialect keeps beside messages (SMSC's templates, say), by a name it chooses;
    # emptied with everything else by clear().
    dialect_state: dict[str, Any] = field(default_factory=dict)
    # The control API's outcome rules, oldest first; the newest that matches decides.
    outcome_rules: list[outcomes.OutcomeRule] = field(default_factory=list)
    throttle: carriers.Throttle = field(default_factory=carriers.Throttle)
    # Set by a store (--data-dir) to note what it must write; None keeps everything in memory.
    changes: Changes | None = None
    # Numbers this prefix and four digits carry a magic code; None switches the range off.
    magic_prefix: str | None = outcomes.MAGIC_PREFIX

    def __post_init__(self) -> None:
        self.engine = DeliveryEngine(self.events, self.timings, on_final=self._settle)
        self.streaks = Streaks(self.clock)
        self.blocker = ErrorBlocker(self.clock)
        self.planner = Planner(self.streaks)

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
        now = self.clock.now()  # the stamp the window keeps is the one a rollback takes back
        allowed = window.hit(key, rule, now)
        if allowed and self.changes is not None:
            self.changes.hit(window, key, now)
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
        planned, rejected = self.planner.plan(account, request, ext_id, self.magic_prefix)
        total = sum((p.cost for p in planned), ZERO)
        parts = sum(p.parts for p in planned)
        virtual = is_virtual(account, request)
        packages = {} if virtual else package_use(account, planned, ext_id)
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

    def _outcome(self, account: Account, p: Planned, message_id: int,
                 leaves: float) -> Outcome:
        """A magic code, else the newest matching rule, else the carrier profile."""
        if p.magic is not None:
            found = outcomes.decided(p.magic, p.cause)
            if found is not None:
                return found
        if self.outcome_rules:
            found = outcomes.first_match(self.outcome_rules, account.provider, account.login,
                                         p.phone)
            if found is not None:
                return found
        carrier = account.carrier
        if carrier == carriers.HEALTHY:
            return DELIVER
        if carrier == "throttling":
            delay = self.throttle.queue_delay(account.key, leaves, self.timings.queue_seconds)
            return Outcome(queue_seconds=delay)
        return carriers.outcome(carrier, message_id)

    def _store_rejected(self, account: Account, ext_id: str, request: SendRequest,
                        r: Rejected, now: float, batch: int) -> None:
        message = Message(
            id=self.store.new_id(), account=account, ext_id=ext_id, phone=r.phone or r.raw,
            text="", sender="", parts=0, cost=ZERO, created_at=now, send_at=now,
            valid_until=now, channel=request.channel, batch=batch, outcome=r.decided,
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
        if message is not None and message.outcome is not None and message.outcome.polls:
            self.engine.poll(message, self.clock.now())

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

    def remove_account(self, account: Account) -> int:
        """Forget an account and its messages (a test or a conformance run tidying up after
        itself); how many messages went with it."""
        mine = list(self.messages(lambda m: m.account is account))
        for message in mine:
            self.delete(message)
        self.accounts.remove(account)
        if self.changes is not None:
            self.changes.retired.add(account.key)
        return len(mine)

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
