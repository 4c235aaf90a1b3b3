"""TargetSMS as a recording sees it (sms_mocks.seam.recording): sendsms.php, the JSON API and
the XML gate, what a recorded request says (in sendsms.php's names), which answers refuse the
credentials, how its text answers are cut into fields, and which rows of the coverage table
(conformance/coverage.toml) an exchange is evidence for."""

from __future__ import annotations

import re

from sms_mocks.providers.targetsms.endpoint import PROVIDER as NAME
from sms_mocks.seam.recording import (
    COUNT,
    ID,
    MONEY,
    Dialect,
    IdNames,
    Raw,
    Recording,
    RequestFacts,
    RowKey,
    Sent,
    credentials,
    form,
    is_form,
    json_object,
    xml_leaves,
)

TITLE = "TargetSMS"  # coverage.toml's section
JSON_PATH = "/sendsmsjson.php"
_BEARER = re.compile(r"Bearer +(\S+)", re.I)


def read(sent: Sent) -> RequestFacts:
    """sendsms.php's parameters, or the JSON API's and the XML gate's documents, in
    sendsms.php's names; a Bearer token is an API key."""
    path = sent.bare
    params = form(sent.query, "utf-8")
    if path == JSON_PATH:
        params = _json_params(sent.body)
    elif path.startswith("/xml"):
        found = dict(xml_leaves(sent.body))
        params = {"user": found.get("login@value", ""), "pwd": found.get("password@value", ""),
                  "sadr": found.get("sender", "")}
    elif is_form(sent):
        params.update(form(sent.body, "utf-8"))
    facts = credentials(RequestFacts(NAME, path.lstrip("/"), params), "user", ("pwd",), "sadr")
    bearer = _BEARER.match(sent.header("authorization") or "")
    if bearer:
        facts.api_keys.append(bearer.group(1))
    return facts


def _json_params(text: str) -> dict[str, str]:
    data = json_object(text)
    if data is None:
        return {}
    security, messages = data.get("security"), data.get("message")
    security = security if isinstance(security, dict) else {}
    messages = messages if isinstance(messages, list) else []
    sender = next((str(m["sender"]) for m in messages if isinstance(m, dict) and m.get("sender")),
                  "")
    return {"user": str(security.get("login", "")), "pwd": str(security.get("password", "")),
            "sadr": sender, "type": str(data.get("type", ""))}


# --- fields of sendsms.php's text answers ----------------------------------------------------

_IDS = re.compile(r"\d+(?:,\d+)*")
_SERIALIZED = re.compile(r's:\d+:"([^"]*)";(?:[id]:([^;]*);|s:\d+:"([^"]*)";)')
_BALANCE = re.compile(r"(-?\d+(?:\.\d+)?) (\w+)")


def text_fields(facts: RequestFacts, text: str) -> list[Raw]:
    """A list of ids, a PHP-serialized detail, the balance and its package lines."""
    if _IDS.fullmatch(text):
        out: list[Raw] = []
        position = 0
        for value in text.split(","):
            out.append(("id", position, position + len(value), ID))
            position += len(value) + 1
        return out
    if text.startswith("a:"):
        found: list[Raw] = []
        for pair in _SERIALIZED.finditer(text):
            group = 2 if pair.group(2) is not None else 3
            found.append((pair.group(1), pair.start(group), pair.end(group), ""))
        if found:
            return found
    first, _, rest = text.partition("\n")
    amount = _BALANCE.fullmatch(first)
    if amount:
        out = [("balance", amount.start(1), amount.end(1), MONEY),
               ("currency", amount.start(2), amount.end(2), "")]
        position = len(first) + 1
        for item in rest.split(",") if rest else []:
            name, _, count = item.partition(":")
            if count.isdigit():
                start = position + len(name) + 1
                out.append((f"package {name}", start, start + len(count), COUNT))
            position += len(item) + 1
        return out
    return [("answer", 0, len(text), "")]


# --- coverage rows ---------------------------------------------------------------------------

def rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    if facts.command != "sendsms.php":
        return _document_rows(facts, answer)
    out: list[RowKey] = [(TITLE, "sendsms.php variable (001)", name) for name in facts.params]
    text = answer.strip()
    if re.fullmatch(r"\d+(?:,\d+)*", text):
        out.append((TITLE, "answer (001)", "ids, comma-separated"))
    elif text in ("send", "deliver", "not_deliver", "expired", "partly_deliver"):
        out.append((TITLE, "answer (001)", "status send*"))
    elif text.startswith("a:"):
        out.append((TITLE, "answer (001)", "detail*"))
    elif re.match(r"-?\d+(?:\.\d+)? \w+", text):
        out.append((TITLE, "answer (001)", "balance*"))
    else:
        out.append((TITLE, "error text (001)", text))
    return out


def _document_rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    """The JSON API and the XML gate: the script or `type`, and a whole-request error."""
    out: list[RowKey] = []
    error = re.search(r'"error"\s*:\s*"([^"]*)"|<error>([^<]*)</error>', answer)
    if error:
        out.append((TITLE, "JSON and XML whole-request error (targetsms-json-xml)",
                    error.group(1) or error.group(2)))
    if facts.command.startswith("xml"):
        out.append((TITLE, "XML gate script (targetsms-json-xml)", "/" + facts.command))
    elif facts.command == JSON_PATH.lstrip("/") and not error:
        json_api = (TITLE, "JSON API request (targetsms-json-xml)")
        kind = facts.params.get("type", "")
        out.append((*json_api, f"`type` {kind}*" if kind in ("sms", "state") else
                    f"`type` {kind}"))
        if facts.api_keys and not facts.passwords:
            out.append((*json_api, "Authorization: Bearer"))
    return out


RECORDING = Recording((Dialect(
    name=NAME,
    read=read,
    rows=rows,
    auth_failed=re.compile(r"Неправильный логин или пароль"),
    paths=("/sendsms.php", JSON_PATH),
    prefixes=("/xml/",),
    text_fields=text_fields,
    ids=IdNames(query=("smsid",), xml=("id_sms",), json=("id_sms",), json_lists=("get_state",)),
),))
