"""SMSC's recorded answers: its text forms (fmt 0 and 1) cut into named fields, and which rows
of the coverage table (conformance/coverage.toml) an HTTP or SOAP exchange is evidence for.
What cannot be told apart (one of three error-9 rows with no hint which) is left out rather
than guessed."""

from __future__ import annotations

import re

from sms_mocks.seam.recording import ID, MONEY, Raw, RequestFacts, RowKey

_KEY = re.compile(r"(?:^|, )([A-Za-z_]\w*) (?:-|=) ")
_COST_LINE = re.compile(r"(-?\d+(?:\.\d+)?) \((\d+) SMS\)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PHONE_COLUMNS = ("phone", "mccmnc", "cost", "status", "error")
# what a column's name means in the bare forms, where no key says it
_COLUMN_KINDS = {"id": ID, "cost": MONEY, "balance": MONEY}


def _columns(facts: RequestFacts, line: str, first: bool) -> list[str]:
    """Names of a fmt=1 line's columns (op=1's number lines too); unknown ones are colN."""
    values = line.split(",")
    command, params = facts.command, facts.params
    names: list[str] = []
    if len(values) == 2 and values[1].startswith("-"):
        names = ["id", "error"]
    elif command == "send.php" and first:
        names = ["cost", "cnt"] if params.get("cost") == "1" else ["id", "cnt", "cost", "balance"]
    elif command == "send.php":
        names = list(_PHONE_COLUMNS)
    elif command == "status.php":
        names = ["status", "last_timestamp", "err"]
        if "," in params.get("id", "") or (len(values) > 3 and facts.params.get("all") is None):
            names.append("id")
    elif command == "balance.php":
        names = ["balance", "currency"]
    return [names[i] if i < len(names) else f"col{i + 1}" for i in range(len(values))]


def text_fields(facts: RequestFacts, text: str) -> list[Raw]:
    """fmt=0's `KEY - value, KEY = value` lines, the cost line, fmt=1's columns."""
    out: list[Raw] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        keys = list(_KEY.finditer(line))
        cost = _COST_LINE.fullmatch(line)
        if keys and keys[0].start() == 0:
            for i, key in enumerate(keys):
                end = keys[i + 1].start() if i + 1 < len(keys) else len(line)
                out.append((key.group(1), offset + key.end(), offset + end, ""))
        elif cost:
            out += [("cost", offset + cost.start(1), offset + cost.end(1), MONEY),
                    ("cnt", offset + cost.start(2), offset + cost.end(2), "")]
        elif "," in line or _NUMBER.fullmatch(line):
            position = offset
            for name, value in zip(_columns(facts, line, number == 0), line.split(","),
                                   strict=True):
                out.append((name, position, position + len(value), _COLUMN_KINDS.get(name, "")))
                position += len(value) + 1
        else:
            out.append((f"line{number + 1}", offset, offset + len(line), ""))
        offset += len(line) + 1
    return out


# --- coverage rows ---------------------------------------------------------------------------

HTTP, SOAP = "SMSC HTTP", ("SMSC SOAP", "operation (003)")  # coverage.toml's sections
_STATUS = "status.php, balance.php (FACTS)"
_SOAP_OPERATIONS = {"send": "send_sms", "send2": "send_sms2", "cost": "get_sms_cost",
                    "cost2": "get_sms_cost2", "status": "get_status", "status2": "get_status2",
                    "balance": "get_balance"}
_ERROR = re.compile(r"^ERROR = (\d+)|^-?\d+,-(\d+)$|<error_code>(\d+)<|\"error_code\":(\d+)")
_OTHER = {"templates.php": "templates.php add, chg, del, get",
          "op_templates.php": "op_templates.php add, get", "ping.php": "ping.php",
          "/rest/send/": "/rest/send/", "senders.php": "senders.php get (FACTS B.6)"}


def http_rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    p = facts.params
    error = _ERROR.search(answer.strip())
    code = next((g for g in error.groups() if g), None) if error else None
    if facts.command == "send.php":
        return _send_rows(p, answer, code)
    if facts.command == "status.php":
        out = [(HTTP, _STATUS, item) for item in
               ("status phone, id", "status fmt 0–3", "status codes −3…25")]
        if p.get("all"):
            out.append((HTTP, _STATUS, "status all 1, 2"))
        if "," in p.get("id", ""):
            out.append((HTTP, _STATUS, "status several ids"))
        if p.get("del") == "1":
            out.append((HTTP, _STATUS, "status del=1"))
        return out
    if facts.command == "balance.php" and code is None:
        out = [(HTTP, _STATUS, "balance fmt 0–3, cur")]
        if "credit" in answer:
            out.append((HTTP, _STATUS, "balance credit"))
        return out
    if facts.command in _OTHER:
        return [(HTTP, "other commands (002)", _OTHER[facts.command])]
    return []


def _send_rows(p: dict[str, str], answer: str, code: str | None) -> list[RowKey]:
    out = [(HTTP, "send.php parameter (002)", name) for name in p]
    if code is None:
        cost, fmt = p.get("cost", "0") or "0", p.get("fmt", "0") or "0"
        out.append((HTTP, "send.php answer (002)", f"cost={cost} fmt={fmt} *"))
        if p.get("op") == "1":
            out.append((HTTP, "send.php answer (002)", "op=1*"))
        return out
    out.append((HTTP, "send.php answer (002)", "error `ERROR*"))
    if re.search(r"ID - |<id>|\"id\":|^[1-9]\d*,-", answer):
        out.append((HTTP, "send.php answer (002)", "error with the id echoed*"))
    if code != "9":
        out.append((HTTP, "send.php error (002)", f"{code} *"))
    elif p.get("cost") == "1":
        out.append((HTTP, "send.php error (002)", "9 more than five identical cost*"))
    return out


def soap_rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    if facts.command == "wsdl":
        return [(*SOAP, "WSDL")] if "<wsdl:definitions" in answer or "definitions" in answer \
            else []
    if "Fault>" in answer:
        return [(*SOAP, "PHP SoapServer faults for bad envelopes")]
    out = [(*SOAP, _SOAP_OPERATIONS[facts.command])] if facts.command in _SOAP_OPERATIONS \
        else []
    if re.search(r"<error>[1-9]\d*</error>", answer):
        out.append((*SOAP, "errors in-band in `<error>`"))
    return out
