"""The core's objects as table rows and back.

An account is stored as its spec with the password (core/account_specs.py), so the one
parser that checks configuration files and POST bodies also reads it back. A message is a
row of plain columns; its outcome is a short JSON list, decoded once per distinct value. JSON
is written ASCII-escaped, so even a lone surrogate from a JSON body comes back exactly.

Reading back checks every column (a row damaged by hand or by a tool raises Damaged, which
persistence.py words with the table and the row) and shares equal values the way the live
send path does (core/planner.py's share and cost): a reloaded message costs the memory of
one built in memory, not a fresh string, Decimal and float for every column of every row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sms_mocks.core.account_specs import Catalogue, account_from_spec, spec_of
from sms_mocks.core.accounts import Account
from sms_mocks.core.delivery import Outcome
from sms_mocks.core.messages import Message, State
from sms_mocks.seam import registry
from sms_mocks.store.database import StoreError
from sms_mocks.store.schema import MESSAGE_COLUMNS

AccountRow = tuple[str, str, str, int]
MessageRow = tuple[Any, ...]


# accounts ---------------------------------------------------------------------------------
def account_row(account: Account) -> AccountRow:
    spec = spec_of(account, password=True)
    return (account.provider, account.login, json.dumps(spec),
            account.ids_issued)


class Damaged(StoreError):
    """A stored row that cannot be read back: what is wrong with it, in a phrase (the caller
    names the table and the row)."""


def _shown(value: object) -> str:
    """A stored value in an error line: repr (one line, escaped), cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def account_from_row(spec: str, ids_issued: int) -> Account:
    if type(ids_issued) is not int or ids_issued < 0:
        raise Damaged(f"ids_issued is {_shown(ids_issued)}, not a count (0 or more)")
    try:
        data = json.loads(spec)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        account = account_from_spec(data, Catalogue.of(registry.providers()))
    except (ValueError, TypeError, KeyError, AttributeError,
            ArithmeticError) as exc:  # JSONDecodeError and SpecError are ValueErrors
        raise Damaged(f"the stored account cannot be read ({exc})") from None
    account.ids_issued = ids_issued
    return account


# messages ---------------------------------------------------------------------------------
def _outcome_text(outcome: object) -> str | None:
    if not isinstance(outcome, Outcome):
        return None
    fields = [int(outcome.final), outcome.err, outcome.report_seconds, outcome.queue_seconds,
              outcome.polls]
    if outcome.cause:  # who chose it (a magic code, a rule); rows from before have 5 fields
        fields += [outcome.cause, outcome.source]
    return json.dumps(fields)


class MessageCodec:
    """Messages to rows and back; equal outcomes (and their JSON) are shared, as in memory."""

    def __init__(self) -> None:
        self._texts: dict[Outcome, str | None] = {}
        self._reader = MessageReader()

    def row(self, m: Message) -> MessageRow:
        outcome = m.outcome
        if isinstance(outcome, Outcome):
            text = self._texts.get(outcome)
            if text is None:
                text = self._texts[outcome] = _outcome_text(outcome)
        else:
            text = None
        return (m.id, m.account.provider, m.account.login, m.ext_id, m.phone, m.text,
                m.sender, m.parts, str(m.cost), m.created_at, m.send_at, m.valid_until,
                int(m.state), m.state_at, m.err, text, m.due, m.encoding, m.channel,
                m.comment, m.sent_at, m.batch, int(m.pay_on_delivery),
                json.dumps(m.extra) if m.extra is not None else None)

    def message(self, row: MessageRow, account_of: Callable[[str, str], Account | None]
                ) -> Message | None:
        """The message of a row; None when its account is gone; Damaged (a StoreError) when
        a column holds what no message could."""
        account = account_of(row[1], row[2])
        if account is None:
            return None
        return self._reader.message(row, account)


_STATES = {int(state): state for state in State}
_TEXT_COLUMNS = ("ext_id", "phone", "text", "sender", "encoding", "channel", "comment")
_TIME_COLUMNS = ("created_at", "send_at", "valid_until", "state_at")
SHARED_MAX = 4096  # distinct values shared at once, as Planner.share keeps


def _time(value: object) -> bool:
    """A stored time: a finite float (a REAL column gives back a float, or the text it could
    not convert)."""
    return type(value) is float and value - value == 0.0


class MessageReader:
    """Rows back to messages, each column checked; equal values are one object, as the send
    path makes them: texts, senders and the like through a bounded table (Planner.share),
    costs as one Decimal per price (Planner.cost), outcomes as one Outcome per JSON, and
    what one send gives all its messages (ext id, times, mailing) shared with the row
    before. One reader a load: its tables go with it."""

    def __init__(self) -> None:
        self._shared: dict[str, str] = {}
        self._costs: dict[str, Decimal] = {}
        self._outcomes: dict[str, Outcome] = {}
        self._extras: dict[str, dict[str, str]] = {}
        self._last: Message | None = None

    def message(self, row: MessageRow, account: Account) -> Message:
        """The message of a row for `account` (the one its provider and login name); Damaged
        when a column holds what no message could."""
        (mid, _, _, ext_id, phone, text, sender, parts, cost, created_at, send_at,
         valid_until, state, state_at, err, outcome, due, encoding, channel, comment, sent_at,
         batch, pay_on_delivery, extra) = row
        if not (type(mid) is int and type(parts) is int and type(err) is int
                and type(batch) is int and type(ext_id) is str and type(phone) is str
                and type(text) is str and type(sender) is str and type(encoding) is str
                and type(channel) is str and type(comment) is str
                and _time(created_at) and _time(send_at) and _time(valid_until)
                and _time(state_at) and (due is None or _time(due))
                and (sent_at is None or _time(sent_at))
                and state in _STATES and (pay_on_delivery == 0 or pay_on_delivery == 1)
                and type(pay_on_delivery) is int and parts >= 0 and batch >= 0):
            raise Damaged(_problem(row))
        share = self._share
        last = self._last
        if last is not None:  # the messages of one send sit side by side
            if last.ext_id == ext_id:
                ext_id = last.ext_id
            if last.created_at == created_at:
                created_at = last.created_at
            if last.send_at == send_at:
                send_at = last.send_at
            if last.valid_until == valid_until:
                valid_until = last.valid_until
            if last.batch == batch:
                batch = last.batch
            if last.phone == phone:
                phone = last.phone
        if send_at == created_at:  # a send now: one reading, as Gateway.send takes it
            send_at = created_at
        message = self._last = Message(
            id=mid, account=account, ext_id=ext_id, phone=phone, text=share(text),
            sender=share(sender), parts=parts, cost=self._cost(cost), created_at=created_at,
            send_at=send_at, valid_until=valid_until, state=_STATES[state], state_at=state_at,
            err=err, outcome=self._outcome(outcome), due=due, encoding=share(encoding),
            channel=share(channel), comment=share(comment), sent_at=sent_at, batch=batch,
            pay_on_delivery=pay_on_delivery == 1, extra=self._extra(extra))
        return message

    def _share(self, text: str) -> str:
        found = self._shared.get(text)
        if found is None:
            if len(self._shared) >= SHARED_MAX:
                self._shared.clear()
            found = self._shared[text] = text
        return found

    def _cost(self, text: object) -> Decimal:
        found = self._costs.get(text) if type(text) is str else None
        if found is None:
            try:
                if type(text) is not str:
                    raise ValueError
                found = Decimal(text)
                if not found.is_finite():
                    raise ValueError
            except (ArithmeticError, ValueError):
                raise Damaged(f"cost is {_shown(text)}, not an amount") from None
            if len(self._costs) >= SHARED_MAX:
                self._costs.clear()
            self._costs[text] = found
        return found

    def _outcome(self, text: object) -> Outcome | None:
        if text is None:
            return None
        found = self._outcomes.get(text) if type(text) is str else None
        if found is None:
            try:
                fields = json.loads(text)  # type: ignore[arg-type]
                if not isinstance(fields, list) or len(fields) not in (5, 7):
                    raise ValueError("not a list of 5 or 7 fields")
                final, err, report_seconds, queue_seconds, polls, *why = fields
                cause, source = why or (0, 0)
                if not (type(err) is int and type(polls) is int and polls >= 0
                        and type(cause) is int and type(source) is int
                        and all(v is None or (type(v) in (int, float) and v >= 0
                                              and v - v == 0)
                                for v in (report_seconds, queue_seconds))):
                    raise ValueError("a field of the wrong type")
                found = Outcome(State(final), err, report_seconds, queue_seconds, polls, cause,
                                source)
            except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
                raise Damaged(f"outcome is {_shown(text)}, not an outcome ({exc})") from None
            self._outcomes[text] = found  # type: ignore[index]
        return found

    def _extra(self, text: object) -> dict[str, str] | None:
        if text is None:
            return None
        found = self._extras.get(text) if type(text) is str else None
        if found is None:
            try:
                found = json.loads(text)  # type: ignore[arg-type]
                if not (isinstance(found, dict) and all(
                        type(k) is str and type(v) is str for k, v in found.items())):
                    raise ValueError
            except (ValueError, TypeError):
                raise Damaged(f"extra is {_shown(text)}, not a JSON object of texts") from None
            if len(self._extras) >= SHARED_MAX:
                self._extras.clear()
            self._extras[text] = found  # type: ignore[index]
        return found


def _problem(row: MessageRow) -> str:
    """What is wrong with a message row that failed the quick check."""
    named = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    for name in ("id", "parts", "err", "batch"):
        value = named[name]
        if type(value) is not int or (name in ("parts", "batch") and value < 0):
            return f"{name} is {_shown(value)}, not a whole number" + (
                " (0 or more)" if name in ("parts", "batch") else "")
    for name in _TEXT_COLUMNS:
        if type(named[name]) is not str:
            return f"{name} is {_shown(named[name])}, not a text"
    for name in (*_TIME_COLUMNS, "due", "sent_at"):
        value = named[name]
        if not (_time(value) or (value is None and name in ("due", "sent_at"))):
            return f"{name} is {_shown(value)}, not a time"
    if named["state"] not in _STATES:
        return f"state is {_shown(named['state'])}, not a state (0-{len(_STATES) - 1})"
    return f"pay_on_delivery is {_shown(named['pay_on_delivery'])}, not 0 or 1"


# dialect state ----------------------------------------------------------------------------
def _codec(name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]] | None:
    """How a dialect's state named `name` goes to JSON and back (each provider declares its
    own); None for state nothing keeps on disk."""
    for provider in registry.providers():
        if name in provider.stored_state:
            return provider.stored_state[name]
    return None


def kept(name: str) -> bool:
    """Whether the data dir keeps the dialect state named `name`."""
    return _codec(name) is not None


def dialect_json(name: str, value: Any) -> str | None:
    """The JSON of a dialect's state; None for a name this store does not keep."""
    codec = _codec(name)
    return json.dumps(codec[0](value)) if codec else None


def dialect_from(name: str, text: str) -> Any:
    codec = _codec(name)
    if codec is None:
        return None
    try:
        return codec[1](json.loads(text))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise Damaged(f"the stored {name} cannot be read ({exc})") from None
