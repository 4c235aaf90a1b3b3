"""send.php (and the cost query, cost=1): 002 "Отправка SMS-сообщения" and FACTS B.2."""

from __future__ import annotations

import re

from sms_mocks.core.gateway import Item, Refusal, SendRefused, SendRequest, SendResult
from sms_mocks.core.numbering import lookup
from sms_mocks.providers.smsc import channels, codes, formats, tinyurl
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int, request_key
from sms_mocks.providers.smsc.timeparse import BadTime, is_local_time, send_time, validity

MAX_TEXT = 1000
COMMENT = "\n~~~\n"
_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_PHONE_SEPARATORS = re.compile(r"[,;]")

_REFUSALS = {
    Refusal.ACCOUNT_BLOCKED: codes.DENIED,
    Refusal.SENDER_UNKNOWN: codes.DENIED,
    Refusal.SENDER_NOT_MODERATED: codes.DENIED,
    Refusal.TEXT_REJECTED: codes.DENIED,  # 002 error 6: "по тексту или по имени отправителя"
    Refusal.NO_FUNDS: codes.NO_MONEY,
    Refusal.NO_PACKAGE: codes.NO_MONEY,
    Refusal.PACKAGE_USED_UP: codes.NO_MONEY,
    Refusal.BAD_NUMBERS: codes.BAD_NUMBER,
    Refusal.UNDELIVERABLE: codes.CANNOT_DELIVER,
}


def refusal_code(reason: Refusal) -> int:
    return _REFUSALS[reason]


def split_phones(value: str) -> list[str]:
    if "," not in value and ";" not in value:
        value = value.strip()
        return [value] if value else []
    return [p for p in (x.strip() for x in _PHONE_SEPARATORS.split(value)) if p]


def split_comment(text: str) -> tuple[str, str]:
    body, found, comment = text.partition(COMMENT)
    return (body, comment) if found else (text, "")


def _ext_id(value: str | None) -> str | None:
    """A client id: 1..2147483647, or up to 40 of [A-Za-z0-9.-_] (002, `id`). 0 is no id:
    SMSC's official PHP and Python libraries send id=0 by default (fixtures/clients)."""
    if value is None or value == "":
        return None
    if value.isascii() and value.isdigit():
        if int(value) == 0:
            return None
        if len(value) > 10 or not 1 <= int(value) <= 2147483647:
            raise SmscError(codes.PARAMS)
        return str(int(value))
    if not _ID.match(value):
        raise SmscError(codes.PARAMS)
    return value


_GROUP = re.compile(r"^[Gg](\d+)$")


def _expand_groups(call: Call, phones: str) -> list[str]:
    """`G777` or `g777` stands for every number of the account's group 777."""
    tokens = split_phones(phones)
    if not any(token[0] in "Gg" for token in tokens):
        return tokens
    out: list[str] = []
    for token in tokens:
        match = _GROUP.match(token)
        out += call.account.groups.get(match[1], []) if match else [token]
    return out


def _item(phones: list[str], text: str, sender: str | None) -> Item:
    body, comment = split_comment(text)
    if len(body) > MAX_TEXT:
        raise SmscError(codes.PARAMS)
    return Item(phones, body, sender, comment)


def _list_items(value: str, sender: str | None) -> list[tuple[Item, int | None]]:
    """`list`: lines of "phones:mes", or "sender,tz|phones:mes" (tz optional); "\\n" in mes is a
    newline. Each item comes with its line's own tz, None where the line gives none."""
    items = []
    for line in value.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        line_sender, line_tz = sender, None
        head, bar, rest = line.partition("|")
        if bar and ":" in rest and ":" not in head and ";" not in head:  # else "|" is text
            name, _, tz = head.partition(",")
            line_sender = name.strip() or sender
            line_tz = php_int(tz) if tz.strip() else None
            line = rest
        sep = ":" if ":" in line else ";"
        phones, found, text = line.partition(sep)
        if not found:
            raise SmscError(codes.PARAMS)
        items.append((_item(split_phones(phones), text.replace("\\n", "\n"), line_sender),
                      line_tz))
    if not items:
        raise SmscError(codes.PARAMS)
    return items


# Flags that choose a channel other than SMS, in the order they win (002, send.php).
_FLAGS = ("hlr", "ping", "mail", "call", "viber", "whatsapp", "soc", "mms", "push", "flash", "tg")
_PREFIXES = {"__CALL__:": "call", "__VIBER__:": "viber", "__SOC__:": "soc",
             "__MAIL__:": "mail", "__BOT__:": "bot"}
_BARE_PREFIXES = {"__PING__": "ping", "__HLR__": "hlr"}
_NO_TEXT = ("hlr", "ping")
_TG_CODE = re.compile(r"^\d{4,8}$")


_CHANNEL_PARAMS = frozenset(("bin", "bot", *_FLAGS))


def channel_of(params: dict[str, str], mes: str) -> tuple[str, str]:
    """The channel a request asks for, and the text without any channel prefix."""
    if not _CHANNEL_PARAMS.isdisjoint(params):
        if php_int(params.get("bin")) in (1, 2):
            return "bin", mes
        if params.get("bot"):
            return "bot", mes
        for flag in _FLAGS:
            if php_int(params.get(flag)) == 1:
                return flag, mes
    stripped = mes.lstrip()
    if not stripped.startswith("__"):
        return "sms", mes
    for prefix, channel in _PREFIXES.items():
        if stripped.startswith(prefix):
            return channel, stripped[len(prefix):].lstrip(" ")
    for prefix, channel in _BARE_PREFIXES.items():
        if stripped.startswith(prefix):
            return channel, ""
    return "sms", mes


def _check_channel(channel: str, params: dict[str, str], mes: str | None) -> None:
    if mes is None and channel not in _NO_TEXT and not (channel == "call"
                                                          and params.get("fileurl")):
        raise SmscError(codes.PARAMS)
    if channel == "mail" and not (params.get("subj") and params.get("sender") and mes):
        raise SmscError(codes.PARAMS)  # 002: subject, text and sender are required for e-mail
    if channel == "tg" and not _TG_CODE.match(mes or ""):
        raise SmscError(codes.PARAMS)  # 002: only numeric codes of 4 to 8 digits


def parse_request(call: Call) -> SendRequest:
    p = call.params
    sender = p.get("sender") or None
    mes = p.get("mes")
    channel, text = channel_of(p, mes or "")
    lines: list[tuple[Item, int | None]] = []
    if p.get("list"):
        if channel in ("bin", "call"):
            raise SmscError(codes.PARAMS)  # their settings are one per request, not per line
        lines = _list_items(p["list"], sender)
        items = [item for item, _ in lines]
    else:
        if not p.get("phones"):
            raise SmscError(codes.PARAMS)
        _check_channel(channel, p, mes)
        items = [_item(_expand_groups(call, p["phones"]), text, sender)]
    if channel not in ("bin", "call", "hlr", "ping", "tg") and php_int(p.get("tinyurl")) == 1:
        for item in items:
            item.text = tinyurl.shorten(item.text)
    ext_id = _ext_id(p.get("id"))
    account = call.account
    gateway = call.gateway
    time = p.get("time", "")
    try:
        at = send_time(time, gateway.now(), php_int(p.get("tz"), account.tz))
        if is_local_time(time):  # 002: a line's tz works for these forms only
            for item, tz in lines:
                if tz is not None:
                    item.send_at = send_time(time, gateway.now(), tz)
    except BadTime:
        raise SmscError(codes.DATE_FORMAT, ext_id) from None
    try:
        valid = validity(p.get("valid", ""))
    except ValueError:
        raise SmscError(codes.PARAMS, ext_id) from None
    maxsms = php_int(p.get("maxsms"), 0)
    translit = php_int(p.get("translit"), 0)
    request = SendRequest(
        items=items, ext_id=ext_id, send_at=at, valid_seconds=valid, channel=channel,
        maxsms=maxsms if maxsms > 0 else None,
        translit=translit if translit in (1, 2) else 0,
        per_number_rule=gateway.rule("smsc.per_number_flood", account),
        spread=channels.spread(p.get("period"), p.get("freq")),
    )
    if channel == "bin":
        _binary(request, php_int(p.get("bin")), call.raw_value("mes"))
    elif channel == "call":
        _call(request, p, prefixed=text != (mes or ""))
    return request


def _binary(request: SendRequest, mode: int, octets: bytes | None) -> None:
    """The text is the message's octets: the comment slot holds its pid/dcs trailer."""
    item = request.items[0]
    data = channels.binary(item.text, mode, item.comment, octets)
    item.text, item.comment = data.hex, ""
    request.units, request.encoding, request.translit, request.maxsms = data.parts, "binary", 0, \
        None
    if data.pid is not None:
        request.extra = {"pid": data.pid, "dcs": data.dcs or ""}


def _call(request: SendRequest, p: dict[str, str], prefixed: bool) -> None:
    """Billed by the estimated seconds at the tariff's price of a minute. With __CALL__: the
    text after "\n~~~\n" is the param, not a comment (002, prefixes); with call=1 it stays
    a comment."""
    item = request.items[0]
    param = p.get("param")
    if prefixed and item.comment and not param:
        param, item.comment = item.comment, ""
    w, i, n = channels.call_param(param)
    request.units = channels.call_seconds(item.text, bool(p.get("fileurl")))
    request.unit_seconds = 1
    request.extra = {"voice": channels.voice(p.get("voice")), "param": f"{w},{i},{n}"}


def cost_mode_of(params: dict[str, str]) -> int:
    cost_mode = php_int(params.get("cost"), 0)
    return cost_mode if cost_mode in (0, 1, 2, 3) else 0


def submit(call: Call, cost_mode: int) -> SendResult:
    """Send what the call asks for, or only price it (cost=1); SmscError for a refusal."""
    request = parse_request(call)
    gateway, account = call.gateway, call.account
    rule_name = "smsc.duplicate_cost" if cost_mode == 1 else "smsc.duplicate_send"
    if not gateway.allow(rule_name, account, request_key(call)):
        raise SmscError(codes.TOO_MANY)
    try:
        return gateway.send(account, request, dry_run=cost_mode == 1)
    except SendRefused as refused:
        raise SmscError(_REFUSALS[refused.reason], refused.ext_id) from None


def send(call: Call) -> str:
    """Send a message, or only price it (cost=1)."""
    cost_mode = cost_mode_of(call.params)
    result = submit(call, cost_mode)
    if cost_mode != 1 and result.ext_id:
        call.ids = (result.ext_id,)
    return render(call, result, cost_mode)


def _phone_rows(call: Call, result: SendResult) -> list[tuple[str, str, str, int, int]]:
    """(phone, mccmnc, cost, status, error) for op=1 (every number) or err=1 (failures)."""
    op = php_int(call.params.get("op")) == 1
    err = php_int(call.params.get("err")) == 1
    rows: list[tuple[str, str, str, int, int]] = []
    if op:
        for m in result.messages:
            info = lookup(m.phone)
            rows.append((m.phone, info.mccmnc if info else "", formats.money(m.cost),
                         codes.status_code(m), m.err))
    if op or err:
        for r in result.rejected:
            info = r.info
            status = codes.rejected_status(r.err)
            rows.append((r.phone or r.raw, info.mccmnc if info else "", "0.00", status, r.err))
    return rows


def render(call: Call, result: SendResult, cost_mode: int) -> str:
    fmt = call.fmt
    n = result.parts
    cost = formats.money(result.cost)
    balance = formats.money(result.balance)
    rows = _phone_rows(call, result)
    if fmt == formats.JSON and not rows and cost_mode != 1:
        # The answer of nearly every send, written out directly: ids are digits or
        # [A-Za-z0-9._-], and amounts are digits, so nothing here needs escaping.
        ext_id = result.ext_id
        quoted = ext_id if ext_id.isdigit() and len(ext_id) < 16 else f'"{ext_id}"'
        head = f'{{"id":{quoted},"cnt":{n}'
        if cost_mode == 0:
            return head + "}"
        if cost_mode == 2:
            return f'{head},"cost":"{cost}"}}'
        return f'{head},"cost":"{cost}","balance":"{balance}"}}'
    if fmt == formats.JSON:
        body: dict[str, object] = {}
        if cost_mode == 1:
            body = {"cost": cost, "cnt": n}
        else:
            body = {"id": formats.id_value(result.ext_id), "cnt": n}
            if cost_mode >= 2:
                body["cost"] = cost
            if cost_mode == 3:
                body["balance"] = balance
        if rows:
            body["phones"] = [{"phone": p, "mccmnc": mm, "cost": c, "status": str(s),
                               "error": str(e)} for p, mm, c, s, e in rows]
        return formats.to_json(body)
    if fmt == formats.XML:
        if cost_mode == 1:
            fields: list[formats.Field] = [("cost", cost), ("cnt", n)]
        else:
            fields = [("id", result.ext_id), ("cnt", n)]
            if cost_mode >= 2:
                fields.append(("cost", cost))
            if cost_mode == 3:
                fields.append(("balance", balance))
        text = formats.xml_element("result", fields)
        if rows:
            phones = "".join(
                f'<phone mccmnc="{mm}" cost="{c}" status="{s}" error="{e}">{p}</phone>\n'
                for p, mm, c, s, e in rows)
            text = text[: -len("</result>")] + f"<phones>\n{phones}</phones>\n</result>"
        return text
    if fmt == formats.NUMBERS:
        if cost_mode == 1:
            head = f"{cost},{n}"
        else:
            values = [result.ext_id, str(n)]
            if cost_mode >= 2:
                values.append(cost)
            if cost_mode == 3:
                values.append(balance)
            head = ",".join(values)
    elif cost_mode == 1:
        head = f"{cost} ({n} SMS)"
    else:
        head = f"OK - {n} SMS, ID - {result.ext_id}"
        if cost_mode >= 2:
            head += f", COST - {cost}"
        if cost_mode == 3:
            head += f", BALANCE - {balance}"
    lines = [head] + [f"{p},{mm},{c},{s},{e}" for p, mm, c, s, e in rows]
    return "\n".join(lines)
