"""Which rows of the README's coverage table a recorded exchange is evidence for: the
parameters it sent, the command or operation, the answer form and the error it got, each
named as coverage.toml names its rows. What cannot be told apart (one of three error-9 rows
with no hint which) is left out rather than guessed."""

from __future__ import annotations

import re

from sms_mocks.conformance.coverage import Row, load
from sms_mocks.record import dialects
from sms_mocks.record.cassette import Exchange

RowKey = tuple[str, str, str]  # provider, kind, item: a row of coverage.toml
_SOAP_OPERATIONS = {"send": "send_sms", "send2": "send_sms2", "cost": "get_sms_cost",
                    "cost2": "get_sms_cost2", "status": "get_status", "status2": "get_status2",
                    "balance": "get_balance"}
_SMSC_ERROR = re.compile(r"^ERROR = (\d+)|^-?\d+,-(\d+)$|<error_code>(\d+)<|\"error_code\":(\d+)")
_SMSC_OTHER = {"templates.php": "templates.php add, chg, del, get",
               "op_templates.php": "op_templates.php add, get", "ping.php": "ping.php",
               "/rest/send/": "/rest/send/", "senders.php": "senders.php get (FACTS B.6)"}


def backed(exchange: Exchange, rows: list[Row] | None = None) -> list[RowKey]:
    """The coverage rows this exchange shows the real service doing."""
    if exchange.response is None or not exchange.provider:
        return []
    table = rows if rows is not None else load(recorded=None)
    facts = dialects.read(exchange.provider, exchange.request)
    answer = exchange.response.body.text
    wanted = {
        dialects.SMSC: _smsc, dialects.SOAP: _soap, dialects.PAGER: _pager,
        dialects.TARGET: _target,
    }[exchange.provider](facts, answer)
    found: list[RowKey] = []
    for provider, kind, item in wanted:
        section = [row for row in table if (row.provider, row.kind) == (provider, kind)]
        named = [row for row in section if row.item == item] or \
            [row for row in section if _names(row.item, item)]
        for row in named:
            key = (row.provider, row.kind, row.item)
            if key not in found:
                found.append(key)
    return found


def _names(row_item: str, wanted: str) -> bool:
    """A wanted item names a row by a prefix (`cost=1 fmt=0 *`) or by its first word (`to`
    is "to number, with its own text")."""
    if wanted.endswith("*"):
        return row_item.startswith(wanted[:-1])
    return re.split(r"[ ,]", row_item, maxsplit=1)[0] == wanted


def _smsc(facts: dialects.Facts, answer: str) -> list[RowKey]:
    http, p = "SMSC HTTP", facts.params
    error = _SMSC_ERROR.search(answer.strip())
    code = next((g for g in error.groups() if g), None) if error else None
    if facts.command == "send.php":
        out = [(http, "send.php parameter (002)", name) for name in p]
        if code is None:
            cost, fmt = p.get("cost", "0") or "0", p.get("fmt", "0") or "0"
            out.append((http, "send.php answer (002)", f"cost={cost} fmt={fmt} *"))
            if p.get("op") == "1":
                out.append((http, "send.php answer (002)", "op=1*"))
            return out
        out.append((http, "send.php answer (002)", "error `ERROR*"))
        if re.search(r"ID - |<id>|\"id\":|^[1-9]\d*,-", answer):
            out.append((http, "send.php answer (002)", "error with the id echoed*"))
        if code != "9":
            out.append((http, "send.php error (002)", f"{code} *"))
        elif p.get("cost") == "1":
            out.append((http, "send.php error (002)", "9 more than five identical cost*"))
        return out
    if facts.command == "status.php":
        out = [(http, "status.php, balance.php (FACTS)", item) for item in
               ("status phone, id", "status fmt 0–3", "status codes −3…25")]
        if p.get("all"):
            out.append((http, "status.php, balance.php (FACTS)", "status all 1, 2"))
        if "," in p.get("id", ""):
            out.append((http, "status.php, balance.php (FACTS)", "status several ids"))
        if p.get("del") == "1":
            out.append((http, "status.php, balance.php (FACTS)", "status del=1"))
        return out
    if facts.command == "balance.php" and code is None:
        out = [(http, "status.php, balance.php (FACTS)", "balance fmt 0–3, cur")]
        if "credit" in answer:
            out.append((http, "status.php, balance.php (FACTS)", "balance credit"))
        return out
    if facts.command in _SMSC_OTHER:
        return [(http, "other commands (002)", _SMSC_OTHER[facts.command])]
    return []


def _soap(facts: dialects.Facts, answer: str) -> list[RowKey]:
    soap = ("SMSC SOAP", "operation (003)")
    if facts.command == "wsdl":
        return [(*soap, "WSDL")] if "<wsdl:definitions" in answer or "definitions" in answer \
            else []
    if "Fault>" in answer:
        return [(*soap, "PHP SoapServer faults for bad envelopes")]
    out = [(*soap, _SOAP_OPERATIONS[facts.command])] if facts.command in _SOAP_OPERATIONS \
        else []
    if re.search(r"<error>[1-9]\d*</error>", answer):
        out.append((*soap, "errors in-band in `<error>`"))
    return out


def _pager(facts: dialects.Facts, answer: str) -> list[RowKey]:
    pager = "SMS-Pager"
    code = re.search(r"<code>(\d+)</code>", answer)
    out: list[RowKey] = []
    if code:
        number = code.group(1)
        out.append((pager, "result code (000)", "70x" if re.fullmatch(r"70\d", number)
                    else number))
    ok = code is not None and code.group(1) == "1"
    if facts.command == "send.xml":
        out += [(pager, "send.xml element (000)", name) for name in dict.fromkeys(
            e.split("@")[0] for e in facts.elements)]
        if ok:
            out.append((pager, "send.xml element (000)", "send.xml answer*"))
    elif ok and facts.command == "report.xml":
        if {"start", "stop"} & set(facts.elements):
            out.append((pager, "report, balance, cancel (000)", "report.xml start, stop"))
        if {"smsid", "detail"} & set(facts.elements):
            out.append((pager, "report, balance, cancel (000)", "report.xml smsid, detail"))
    elif ok and facts.command == "balance.xml":
        out.append((pager, "report, balance, cancel (000)", "balance.xml account"))
    elif ok and facts.command == "cancel.xml":
        out.append((pager, "report, balance, cancel (000)", "cancel.xml action make, check"))
    return out


def _target(facts: dialects.Facts, answer: str) -> list[RowKey]:
    target = "TargetSMS"
    if facts.command != "sendsms.php":
        return _target_documents(facts, answer)
    out: list[RowKey] = [(target, "sendsms.php variable (001)", name) for name in facts.params]
    text = answer.strip()
    if re.fullmatch(r"\d+(?:,\d+)*", text):
        out.append((target, "answer (001)", "ids, comma-separated"))
    elif text in ("send", "deliver", "not_deliver", "expired", "partly_deliver"):
        out.append((target, "answer (001)", "status send*"))
    elif text.startswith("a:"):
        out.append((target, "answer (001)", "detail*"))
    elif re.match(r"-?\d+(?:\.\d+)? \w+", text):
        out.append((target, "answer (001)", "balance*"))
    else:
        out.append((target, "error text (001)", text))
    return out


def _target_documents(facts: dialects.Facts, answer: str) -> list[RowKey]:
    """TargetSMS's JSON API and XML gate: the script or `type`, and a whole-request error."""
    target, out = "TargetSMS", list[RowKey]()
    error = re.search(r'"error"\s*:\s*"([^"]*)"|<error>([^<]*)</error>', answer)
    if error:
        out.append((target, "JSON and XML whole-request error (targetsms-json-xml.md)",
                    error.group(1) or error.group(2)))
    if facts.command.startswith("xml"):
        out.append((target, "XML gate script (targetsms-json-xml.md)", "/" + facts.command))
    elif facts.command == "sendsmsjson.php" and not error:
        json_api = (target, "JSON API request (targetsms-json-xml.md)")
        kind = facts.params.get("type", "")
        out.append((*json_api, f"`type` {kind}*" if kind in ("sms", "state") else
                    f"`type` {kind}"))
        if facts.api_keys and not facts.passwords:
            out.append((*json_api, "Authorization: Bearer"))
    return out
