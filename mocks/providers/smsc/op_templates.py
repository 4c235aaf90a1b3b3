"""op_templates.php: templates registered with the operators (002, "Управление шаблонами
операторов"), one per operator and message kind.

add answers, per key: 1 added, -1 the sender is not the account's approved one, -2 it could
not be saved (an identical template is already there, or the text is too long). get answers,
per key: -1 none, else where it is in the operator's moderation, which moves on the clock:
0 waiting, 1 sent for registration after REGISTRATION_AFTER, then 2 accepted or (when the text
holds one of the account's banned words) 3 refused after DECISION_AFTER. No more than ten
identical requests a minute (rule smsc.op_templates_identical).
"""

from __future__ import annotations

from dataclasses import dataclass

from sms_mocks.core.accounts import SenderState
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int, request_key

KEYS = ("mts_srv", "mts_auth", "mts_trn", "mega_adv", "mega_srv", "mega_auth", "mega_trn",
        "bee_srv", "bee_trn", "tele2_srv", "tele2_trn", "motiv_srv", "motiv_trn", "soc")
REGISTRATION_AFTER = 60.0  # seconds from waiting (0) to sent for registration (1)
DECISION_AFTER = 3600.0  # seconds from creation to the operator's answer (2 or 3)
ADDED, NO_SENDER, NOT_SAVED = 1, -1, -2
MISSING, WAITING, SENT, ACCEPTED, REFUSED = -1, 0, 1, 2, 3
MAX_TEXT = 1000
STATE = "smsc.op_templates"


@dataclass(slots=True)
class OpTemplate:
    id: int
    created_at: float
    refused: bool

    def status(self, now: float) -> int:
        age = now - self.created_at
        if age >= DECISION_AFTER:
            return REFUSED if self.refused else ACCEPTED
        return SENT if age >= REGISTRATION_AFTER else WAITING


@dataclass(slots=True)
class OpTemplates:
    by_key: dict[tuple[tuple[str, str], str, str, str], OpTemplate]
    issued: int = 0  # the last id handed out (a plain int, so a store can keep it)

    def next_id(self) -> int:
        self.issued += 1
        return self.issued


def _state(call: Call) -> OpTemplates:
    state = call.gateway.dialect_state
    found: OpTemplates | None = state.get(STATE)
    if found is None:
        found = state[STATE] = OpTemplates({})
    return found


def op_templates(call: Call) -> str:
    p = call.params
    adding, getting = php_int(p.get("add")) == 1, php_int(p.get("get")) == 1
    sender, msg = p.get("sender", "").strip(), p.get("msg", "")
    if adding == getting or not sender or not msg:
        raise SmscError(codes.PARAMS)
    chosen = [k for k in KEYS if php_int(p.get(k)) == 1]
    if adding and not chosen:
        raise SmscError(codes.PARAMS)
    gateway, account = call.gateway, call.account
    if not gateway.allow("smsc.op_templates_identical", account, request_key(call)):
        raise SmscError(codes.TOO_MANY)
    state = _state(call)
    rows: list[list[formats.Field]] = []
    for key in chosen or KEYS:
        index = (account.key, sender, msg, key)
        found = state.by_key.get(index)
        if getting:
            status = found.status(gateway.now()) if found else MISSING
            rows.append(_row(key, status, found.id if found else 0))
        elif account.sender_state(sender) is not SenderState.APPROVED:
            rows.append(_row(key, NO_SENDER, 0))
        elif found is not None or len(msg) > MAX_TEXT:
            rows.append(_row(key, NOT_SAVED, 0))
        else:
            refused = any(word in msg.lower() for word in account.banned_words)
            template = state.by_key[index] = OpTemplate(state.next_id(), gateway.now(),
                                                        refused)
            rows.append(_row(key, ADDED, template.id))
            gateway.dialect_changed(STATE)
    return _render(call.fmt, rows)


def _row(key: str, status: int, template_id: int) -> list[formats.Field]:
    return [("name", key), ("status", status), ("id", template_id)]


def _render(fmt: int, rows: list[list[formats.Field]]) -> str:
    """002 writes a row as "<name> = <status>, id = <id>", "<name>,<status>,<id>", a
    <template> of name, status and id, or {"<name>": <status>, "id": <id>}."""
    if fmt == formats.JSON:
        return formats.to_json([{r[0][1]: r[1][1], "id": r[2][1]} for r in rows])
    if fmt == formats.TEXT:
        return "\n".join(f"{r[0][1]} = {r[1][1]}, id = {r[2][1]}" for r in rows)
    return formats.records(fmt, rows, wrapper="result", element="template")
