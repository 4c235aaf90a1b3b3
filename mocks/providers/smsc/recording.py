"""SMSC as a recording sees it (sms_mocks.seam.recording): its HTTP API and its SOAP API, what
a recorded request of each says, and which answers refuse the credentials. How their answers
are cut into fields and which coverage rows they back: recorded_answers.py."""

from __future__ import annotations

import re

from sms_mocks.providers.smsc import recorded_answers
from sms_mocks.providers.smsc.endpoint import PROVIDER as NAME
from sms_mocks.seam.recording import (
    Dialect,
    IdNames,
    Recording,
    RequestFacts,
    Sent,
    credentials,
    form,
    is_form,
    json_object,
    xml_leaves,
)

SOAP = f"{NAME}-soap"  # cassettes and recorded goldens call the SOAP API so
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "koi8-r": "koi8-r"}  # else windows-1251
REST = "/rest/send"

_SOAP_CALL = re.compile(r"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)", re.S)


def _params(sent: Sent) -> dict[str, str]:
    body = sent.body if is_form(sent) else ""
    # SMSC's `charset` parameter says how to read the others (windows-1251 if absent)
    charset = {**form(sent.query, "latin-1"), **form(body, "latin-1")}.get("charset", "")
    encoding = CHARSETS.get(charset.strip().lower(), "windows-1251")
    params = form(sent.query, encoding)
    params.update(form(body, encoding))
    if sent.path.startswith(REST):
        params.update(_rest_params(sent.body))
    return params


def _rest_params(text: str) -> dict[str, str]:
    """/rest/send/'s JSON body, each value as the HTTP API's parameter would be."""
    data = json_object(text) or {}
    return {str(k): ",".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in data.items() if isinstance(v, str | int | float | list)}


def read_http(sent: Sent) -> RequestFacts:
    path = sent.bare
    command = f"{REST}/" if path.startswith(REST) else path.rsplit("/", 1)[-1]
    # a psw without a login is an API key
    return credentials(RequestFacts(NAME, command, _params(sent)), "login", ("psw", "password"),
                       "sender", key_without_login=True)


def read_soap(sent: Sent) -> RequestFacts:
    call = _SOAP_CALL.search(sent.body)
    command = call.group(1) if call else ("wsdl" if sent.method == "GET" else "")
    facts = RequestFacts(SOAP, command, dict(xml_leaves(sent.body)))
    return credentials(facts, "login", ("psw",), "sender")


HTTP_DIALECT = Dialect(
    name=NAME,
    read=read_http,
    rows=recorded_answers.http_rows,
    # error 2, in fmt 0, 1, 2 and 3
    auth_failed=re.compile(r"^ERROR = 2 \(|^0,-2$|<error_code>2</error_code>|"
                           r"\"error_code\":\s*2\b"),
    prefixes=("/sys/", REST),
    text_fields=recorded_answers.text_fields,
    charset="windows-1251",  # what SMSC reads a request in unless its `charset` says otherwise
    ids=IdNames(query=("id",)),
)

SOAP_DIALECT = Dialect(
    name=SOAP,
    read=read_soap,
    rows=recorded_answers.soap_rows,
    auth_failed=re.compile(r"<error>2</error>"),
    paths=("/sys/soap.php",),
    command_in_body=True,
    ids=IdNames(xml=("id",)),
    redacted=("SOAP <psw>",),
)

# Every real SMSC account may sign as "SMSC" without registering it.
RECORDING = Recording((HTTP_DIALECT, SOAP_DIALECT), replay_senders=("SMSC",))
