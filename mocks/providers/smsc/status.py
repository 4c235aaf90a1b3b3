"""status.php: FACTS B.3 and the status-answer page of smscentre.com
(docs/research-smsc-http.md §1). One message, or several with comma lists of ids and phones;
a trailing comma asks for the several-message form even for one.

The page's own templates (§1.1b) give `err` in the fmt=0 line (`Status = <status>, check_time =
<last_date>, err = <err>`) and in fmt=1, `<sms>` as the root of one message's fmt=2 answer, and
`type` among the all=1 fields (`..., message = <message>, comment = <comment>, type = <type>`).

The same templates show `flag` in one message's fmt=2 and fmt=3 answers and `comment` among the
all=1 fields, so both are answered (always 0, and the text after "\n~~~\n")."""

from __future__ import annotations

from sms_mocks.core.messages import Message
from sms_mocks.core.numbering import lookup
from sms_mocks.providers.smsc import codes, formats, hlr
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int
from sms_mocks.providers.smsc.send import split_phones


def message_fields(message: Message, detail: int) -> list[formats.Field]:
    """Every field of one message in the order the answers list them (all=0, 1 or 2); an HLR
    request adds its results after err."""
    code = codes.status_code(message)
    hlr_request = message.channel == "hlr"
    fields: list[formats.Field] = [
        ("status", code),
        ("last_date", formats.moscow_date(message.state_at)),
        ("last_timestamp", int(message.state_at)),
        ("flag", 0),
        ("err", message.err),
    ]
    if hlr_request:
        fields += hlr.fields(message)
    if detail >= 1:
        fields += [
            ("send_date", formats.moscow_date(message.send_at)),
            ("send_timestamp", int(message.send_at)),
            ("phone", message.phone),
            ("cost", formats.money(message.cost)),
            ("sender_id", hlr.SENDER if hlr_request else message.sender),
            ("status_name", codes.STATUS_NAMES[code]),
        ]
    if detail >= 2:
        info = lookup(message.phone)
        fields += [
            ("country", info.country_name if info else ""),
            ("operator", info.operator if info else ""),
            ("region", info.region if info else ""),
        ]
    if detail >= 1:
        fields += [
            ("message", message.text),
            ("sms_cnt", message.parts),  # parts, or a call's seconds (003, all=1)
            ("comment", message.comment),
            ("type", codes.TYPES.get(message.channel, 0)),
        ]
    return fields


def _text_line(fields: list[formats.Field]) -> str:
    named = {"status": "Status", "last_date": "check_time"}
    return formats.text_pairs(
        (named.get(k, k), v) for k, v in fields if k not in ("flag", "last_timestamp",
                                                              "send_timestamp"))


# The numbers form, as SMSC's PHP library splits it: the message goes last since it may hold
# commas, and country/operator/region (all=2) come before sender_id, which an HLR row has at
# index 14 (all=1) or 17 (all=2).
_NUMBER_ORDER = ("status", "last_timestamp", "err", "id", *hlr.KEYS, "send_timestamp",
                 "phone", "cost", "country", "operator", "region", "sender_id", "status_name",
                 "message")


def _number_line(fields: list[formats.Field]) -> str:
    named = dict(fields)
    if named.get("status") == codes.NOT_FOUND:
        # A list's unknown id keeps every row's columns, status,last_timestamp,err,id,phone, so
        # a client that reads them by position finds the id and phone where they always are.
        named = {"last_timestamp": 0, "err": 0, **named}
    return ",".join(str(named[k]) for k in _NUMBER_ORDER if k in named)


def _single(call: Call, message: Message | None, detail: int) -> str:
    fmt = call.fmt
    if message is None:
        return {formats.TEXT: f"Status = {codes.NOT_FOUND}",
                formats.NUMBERS: f"{codes.NOT_FOUND},0,0",
                formats.XML: formats.xml_element("sms", [("status", codes.NOT_FOUND)]),
                formats.JSON: formats.to_json({"status": codes.NOT_FOUND})}[fmt]
    fields = message_fields(message, detail)
    if fmt == formats.JSON:
        return formats.to_json(dict(fields))
    if fmt == formats.XML:
        return formats.xml_element("sms", fields)
    if fmt == formats.NUMBERS:
        return _number_line(fields)
    return _text_line(fields)


def _multi(call: Call, found: list[tuple[str, str, Message | None]], detail: int) -> str:
    rows: list[list[formats.Field]] = []
    for ext_id, phone, message in found:
        ident: list[formats.Field] = [("id", formats.id_value(ext_id)), ("phone", phone)]
        if message is None:
            rows.append([("status", codes.NOT_FOUND), *ident])
            continue
        fields = [f for f in message_fields(message, detail) if f[0] not in ("phone", "flag")]
        if call.fmt == formats.JSON and detail == 0 and message.err == 0:
            fields = [f for f in fields if f[0] != "err"]  # the live answer leaves a zero err out
        head = [f for f in fields if f[0] in ("status", "last_date", "last_timestamp", "err")]
        rest = [f for f in fields if f not in head]
        rows.append(head + ident + rest)
    fmt = call.fmt
    if fmt == formats.JSON:
        return formats.to_json([dict(r) for r in rows])
    if fmt == formats.XML:
        inner = "".join(formats.xml_element("sms", r) + "\n" for r in rows)
        return f"<result>\n{inner}</result>"
    if fmt == formats.NUMBERS:
        return "\n".join(_number_line(r) for r in rows)
    return "\n".join(_text_line([(("ID" if k == "id" else k), v) for k, v in r]) for r in rows)


def status(call: Call) -> str:
    """The status of one or several messages; del=1 deletes them instead."""
    p = call.params
    raw_ids, raw_phones = p.get("id", ""), p.get("phone", "")
    if not raw_ids.strip() or not raw_phones.strip():
        raise SmscError(codes.PARAMS)
    multi = "," in raw_ids
    ids = [i.strip() for i in raw_ids.split(",") if i.strip()]
    phones = split_phones(raw_phones)
    if not ids or len(ids) != len(phones):
        raise SmscError(codes.PARAMS)
    gateway, account = call.gateway, call.account
    found = [(i, ph, gateway.find(account, i, ph)) for i, ph in zip(ids, phones, strict=True)]
    if php_int(p.get("del")) == 1:
        hits = [m for _, _, m in found if m is not None]
        if not hits:
            raise SmscError(5, description=codes.DELETE_FAILED)
        for hit in hits:
            gateway.delete(hit)
        return "OK"
    detail = php_int(p.get("all"), 0)
    detail = detail if detail in (0, 1, 2) else 0
    if multi:
        key = (account.key, tuple(ids), tuple(phones))
        if not gateway.allow("smsc.duplicate_status_multi", account, key):
            raise SmscError(codes.TOO_MANY)
        for _, _, message in found:
            gateway.polled(message)
        return _multi(call, found, detail)
    ext_id, phone, message = found[0]
    if not gateway.allow("smsc.status_per_message", account, (account.key, ext_id, phone)):
        raise SmscError(codes.TOO_MANY)
    gateway.polled(message)
    return _single(call, message, detail)
