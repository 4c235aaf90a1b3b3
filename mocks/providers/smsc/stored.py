"""SMSC's own state beside the messages (its templates and operator templates), as the data
dir stores it: to JSON and back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sms_mocks.providers.smsc import op_templates, templates


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


# What SMSC keeps in Gateway.dialect_state, by name: to JSON, and back (mocks/store).
STORED: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    templates.STATE: (_templates_json, _templates_from),
    op_templates.STATE: (_op_templates_json, _op_templates_from),
}
