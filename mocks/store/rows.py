"""The core's objects as table rows and back.

An account is stored as the spec the control API takes (its view plus the password), so the
one parser that checks configuration files and POST bodies also reads it back. A message is a
row of plain columns; its outcome is a short JSON list, decoded once per distinct value. JSON
is written ASCII-escaped, so even a lone surrogate from a JSON body comes back exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sms_mocks.config import ConfigError, account_from_spec
from sms_mocks.control.views import account_view
from sms_mocks.core.accounts import Account
from sms_mocks.core.delivery import Outcome
from sms_mocks.core.messages import Message, State
from sms_mocks.providers.smsc import op_templates, templates
from sms_mocks.store.database import StoreError

AccountRow = tuple[str, str, str, int]
MessageRow = tuple[Any, ...]


# accounts ---------------------------------------------------------------------------------
def account_row(account: Account) -> AccountRow:
    spec = {**account_view(account), "password": account.password}
    return (account.provider, account.login, json.dumps(spec),
            account.ids_issued)


def account_from_row(spec: str, ids_issued: int) -> Account:
    try:
        account = account_from_spec(json.loads(spec))
    except (ValueError, ConfigError) as exc:  # JSONDecodeError is a ValueError
        raise StoreError(f"a stored account cannot be read: {exc}") from None
    account.ids_issued = ids_issued
    return account


# messages ---------------------------------------------------------------------------------
def _outcome_text(outcome: object) -> str | None:
    if not isinstance(outcome, Outcome):
        return None
    return json.dumps([int(outcome.final), outcome.err, outcome.report_seconds,
                       outcome.queue_seconds, outcome.polls])


class MessageCodec:
    """Messages to rows and back; equal outcomes (and their JSON) are shared, as in memory."""

    def __init__(self) -> None:
        self._texts: dict[Outcome, str | None] = {}
        self._outcomes: dict[str, Outcome] = {}

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
        """The message of a row; None when its account is gone."""
        (mid, provider, login, ext_id, phone, text, sender, parts, cost, created_at, send_at,
         valid_until, state, state_at, err, outcome, due, encoding, channel, comment, sent_at,
         batch, pay_on_delivery, extra) = row
        account = account_of(provider, login)
        if account is None:
            return None
        try:
            return Message(
                id=mid, account=account, ext_id=ext_id, phone=phone, text=text,
                sender=sender, parts=parts, cost=Decimal(cost), created_at=created_at,
                send_at=send_at, valid_until=valid_until, state=State(state),
                state_at=state_at, err=err, outcome=self._outcome(outcome), due=due,
                encoding=encoding, channel=channel, comment=comment, sent_at=sent_at,
                batch=batch, pay_on_delivery=bool(pay_on_delivery),
                extra=json.loads(extra) if extra is not None else None)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise StoreError(f"stored message {mid} cannot be read: {exc}") from None

    def _outcome(self, text: str | None) -> Outcome | None:
        if text is None:
            return None
        found = self._outcomes.get(text)
        if found is None:
            final, err, report_seconds, queue_seconds, polls = json.loads(text)
            found = self._outcomes[text] = Outcome(State(final), err, report_seconds,
                                                   queue_seconds, polls)
        return found


# dialect state ----------------------------------------------------------------------------
def _templates_json(state: templates.Templates) -> Any:
    return {"issued": state.issued,
            "accounts": [[*key, [[t.id, t.name, t.message, t.format, t.sender, t.flag]
                                 for t in kept.values()]]
                         for key, kept in state.by_account.items() if kept]}


def _templates_from(data: Any) -> templates.Templates:
    state = templates.Templates({}, int(data["issued"]))
    for provider, login, rows in data["accounts"]:
        state.by_account[(provider, login)] = {
            row[0]: templates.Template(*row) for row in rows}
    return state


def _op_templates_json(state: op_templates.OpTemplates) -> Any:
    return {"issued": state.issued,
            "templates": [[list(key[0]), key[1], key[2], key[3], t.id, t.created_at, t.refused]
                          for key, t in state.by_key.items()]}


def _op_templates_from(data: Any) -> op_templates.OpTemplates:
    state = op_templates.OpTemplates({}, int(data["issued"]))
    for account_key, sender, msg, key, tid, created_at, refused in data["templates"]:
        state.by_key[(tuple(account_key), sender, msg, key)] = op_templates.OpTemplate(
            tid, created_at, refused)
    return state


# What each dialect keeps in Gateway.dialect_state, by name: to JSON, and back.
DIALECT_STATE: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    templates.STATE: (_templates_json, _templates_from),
    op_templates.STATE: (_op_templates_json, _op_templates_from),
}


def dialect_json(name: str, value: Any) -> str | None:
    """The JSON of a dialect's state; None for a name this store does not keep."""
    codec = DIALECT_STATE.get(name)
    return json.dumps(codec[0](value)) if codec else None


def dialect_from(name: str, text: str) -> Any:
    codec = DIALECT_STATE.get(name)
    if codec is None:
        return None
    try:
        return codec[1](json.loads(text))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise StoreError(f"stored {name} cannot be read: {exc}") from None
