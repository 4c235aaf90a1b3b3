"""templates.php: the account's message templates (002, "Управление шаблонами сообщений").

add, chg, del and get, with name, msg, format, sender and fl[1]; no more than three identical
requests a minute (rule smsc.templates_identical). 002 sets no sizes, so these are bounded
here: a name of MAX_NAME characters, a sender of MAX_SENDER (room for an e-mail address), a
text of MAX_TEXT (error 1 past them); an account's MAX_TEMPLATES-th template and more cannot
be saved (error 5, "Ошибка сохранения или удаления").
"""

from __future__ import annotations

from dataclasses import dataclass

from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int, request_key

FORMATS = frozenset({"", "sms", "flash", "bin", "push", "mms", "call", "mail", "viber"})
# The descriptions of templates.php's own codes: 002's table, verbatim (no live text is known).
NOT_FOUND = 3
NOT_FOUND_TEXT = "Запись не найдена."
NOT_SAVED = 5
NOT_SAVED_TEXT = "Ошибка сохранения или удаления."
STATE = "smsc.templates"
MAX_TEXT = 1000
MAX_NAME = 100
MAX_SENDER = 64
MAX_TEMPLATES = 1000


@dataclass(slots=True)
class Template:
    id: int
    name: str
    message: str
    format: str = ""
    sender: str = ""
    flag: int = 0  # bit 1: used as the automatic signature (fl[1]=1)

    def fields(self) -> list[formats.Field]:
        return [("id", self.id), ("name", self.name), ("format", self.format),
                ("sender", self.sender), ("flag", self.flag), ("message", self.message)]


@dataclass(slots=True)
class Templates:
    """Every account's templates; ids count across the server."""

    by_account: dict[tuple[str, str], dict[int, Template]]
    issued: int = 0  # the last id handed out (a plain int, so a store can keep it)


def _store(call: Call) -> dict[int, Template]:
    state = call.gateway.dialect_state
    templates: Templates | None = state.get(STATE)
    if templates is None:
        templates = state[STATE] = Templates({})
    return templates.by_account.setdefault(call.account.key, {})


def _next_id(call: Call) -> int:
    _store(call)
    templates: Templates = call.gateway.dialect_state[STATE]
    templates.issued += 1
    return templates.issued


def _format(value: str | None) -> str:
    value = (value or "").strip().lower()
    if value not in FORMATS:
        raise SmscError(codes.PARAMS)
    return value


def _flag(call: Call, default: int = 0) -> int:
    given = call.params.get("fl[1]")
    if given is None:
        return default
    return 1 if php_int(given) == 1 else 0


def _sized(value: str, most: int) -> str:
    if len(value) > most:
        raise SmscError(codes.PARAMS)
    return value


def _find(call: Call) -> Template:
    template = _store(call).get(php_int(call.params.get("id"), -1))
    if template is None:
        raise SmscError(NOT_FOUND, description=NOT_FOUND_TEXT)
    return template


def templates(call: Call) -> str:
    p = call.params
    commands = [c for c in ("add", "chg", "del", "get") if php_int(p.get(c)) == 1]
    if len(commands) != 1:
        raise SmscError(codes.PARAMS)
    if not call.gateway.allow("smsc.templates_identical", call.account, request_key(call)):
        raise SmscError(codes.TOO_MANY)
    command, fmt = commands[0], call.fmt
    if command == "add":
        name, msg = p.get("name", "").strip(), p.get("msg", "")
        if not name or not msg:
            raise SmscError(codes.PARAMS)
        template = Template(0, _sized(name, MAX_NAME), _sized(msg, MAX_TEXT),
                            _format(p.get("format")),
                            _sized(p.get("sender", "").strip(), MAX_SENDER), _flag(call))
        if len(_store(call)) >= MAX_TEMPLATES:
            raise SmscError(NOT_SAVED, description=NOT_SAVED_TEXT)
        template.id = _next_id(call)
        _store(call)[template.id] = template
        call.gateway.dialect_changed(STATE)
        return _created(fmt, template.id)
    if command == "get":
        rows = [t.fields() for t in sorted(_store(call).values(), key=lambda t: t.id)]
        if not rows:
            raise SmscError(NOT_FOUND, description=NOT_FOUND_TEXT)
        return formats.records(fmt, rows, wrapper="list", element="template")
    if "id" not in p:
        raise SmscError(codes.PARAMS)
    template = _find(call)
    if command == "del":
        del _store(call)[template.id]
        call.gateway.dialect_changed(STATE)
        return formats.ok(fmt)
    name = _sized(p.get("name", "").strip(), MAX_NAME)
    message = _sized(p.get("msg", ""), MAX_TEXT)
    form = _format(p["format"]) if "format" in p else template.format
    sender = _sized(p["sender"].strip(), MAX_SENDER) if "sender" in p else template.sender
    template.name = name or template.name
    template.message = message or template.message
    template.format, template.sender = form, sender
    template.flag = _flag(call, template.flag)
    call.gateway.dialect_changed(STATE)
    return formats.ok(fmt)


def _created(fmt: int, template_id: int) -> str:
    if fmt == formats.JSON:
        return formats.to_json({"id": template_id})
    if fmt == formats.XML:
        return formats.xml_element("template", [("id", template_id)])
    if fmt == formats.NUMBERS:
        return str(template_id)
    return f"ID - {template_id}"
