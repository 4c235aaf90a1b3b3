"""The four answer formats of SMSC (`fmt`): 0 text, 1 numbers, 2 XML, 3 JSON.

Only building blocks live here; each endpoint assembles its own answers from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from xml.sax.saxutils import escape

from sms_mocks.providers.smsc.codes import DESCRIPTIONS, ECHO_ID

TEXT, NUMBERS, XML, JSON = 0, 1, 2, 3

MOSCOW = timezone(timedelta(hours=3), "MSK")
_CENT = Decimal("0.01")

Field = tuple[str, object]


def money(value: Decimal) -> str:
    """Two decimals as the documents print them (1.40, 100.50); more only if the value has more."""
    quantized = value.quantize(_CENT)
    if quantized == value:  # str() writes two places as they are, and faster than format()
        return str(quantized)
    return f"{value.normalize():f}"


def moscow_date(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M:%S")


def id_value(ext_id: str) -> int | str:
    """SMSC ids are numbers unless the client chose a string id."""
    return int(ext_id) if ext_id.isdigit() and len(ext_id) < 16 else ext_id


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def xml_element(name: str, fields: Iterable[Field]) -> str:
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>\n" for k, v in fields)
    return f"<{name}>\n{inner}</{name}>"


def text_pairs(fields: Iterable[Field]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in fields)


def error(fmt: int, code: int, ext_id: str | None = None, description: str | None = None) -> str:
    """An error in the requested format; send.php echoes the id for errors 3, 6, 7 and 8."""
    text = description or DESCRIPTIONS[code]
    echo = ext_id if ext_id is not None and code in ECHO_ID else None
    if fmt == NUMBERS:
        return f"{echo if echo is not None else 0},-{code}"
    if fmt == XML:
        fields: list[Field] = [("error", text), ("error_code", code)]
        if echo is not None:
            fields.append(("id", echo))
        return xml_element("result", fields)
    if fmt == JSON:
        body: dict[str, object] = {"error": text, "error_code": code}
        if echo is not None:
            body["id"] = id_value(echo)
        return to_json(body)
    suffix = f", ID - {echo}" if echo is not None else ""
    return f"ERROR = {code} ({text}){suffix}"


def media_type(fmt: int) -> str:
    return {XML: "text/xml", JSON: "application/json"}.get(fmt, "text/plain")


def ok(fmt: int) -> str:
    """The success of a change (templates, op_templates, ping): OK in the requested fmt."""
    if fmt == XML:
        return "<result>OK</result>"
    if fmt == JSON:
        return to_json({"result": "OK"})
    return "OK"


def records(fmt: int, rows: list[list[Field]], *, wrapper: str, element: str) -> str:
    """Several records: fmt 0 "k = v, ..." lines, fmt 1 comma lines, fmt 2 <wrapper> around
    one <element> a record, fmt 3 a JSON array of objects."""
    if fmt == JSON:
        return to_json([dict(r) for r in rows])
    if fmt == XML:
        inner = "".join(xml_element(element, r) + "\n" for r in rows)
        return f"<{wrapper}>\n{inner}</{wrapper}>"
    if fmt == NUMBERS:
        return "\n".join(",".join(str(v) for _, v in r) for r in rows)
    return "\n".join(text_pairs(r) for r in rows)
