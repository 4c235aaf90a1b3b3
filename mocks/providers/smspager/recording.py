"""SMS-Pager as a recording sees it (sms_mocks.seam.recording): its four XML scripts, what a
recorded request says, which answers refuse the credentials, and which rows of the coverage
table (conformance/coverage.toml) an exchange is evidence for."""

from __future__ import annotations

import re

from sms_mocks.providers.smspager.endpoint import PROVIDER as NAME
from sms_mocks.seam.recording import (
    Dialect,
    IdNames,
    Recording,
    RequestFacts,
    RowKey,
    Sent,
    credentials,
    xml_leaves,
)

TITLE = "SMS-Pager"  # coverage.toml's section
_REPORTS = "report, balance, cancel (000)"


def read(sent: Sent) -> RequestFacts:
    leaves = xml_leaves(sent.body)
    facts = RequestFacts(NAME, sent.bare.lstrip("/"), dict(leaves), [n for n, _ in leaves])
    return credentials(facts, "login", ("password",), "source")


def rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    code = re.search(r"<code>(\d+)</code>", answer)
    out: list[RowKey] = []
    if code:
        number = code.group(1)
        out.append((TITLE, "result code (000)", "70x" if re.fullmatch(r"70\d", number)
                    else number))
    ok = code is not None and code.group(1) == "1"
    if facts.command == "send.xml":
        out += [(TITLE, "send.xml element (000)", name) for name in dict.fromkeys(
            e.split("@")[0] for e in facts.elements)]
        if ok:
            out.append((TITLE, "send.xml element (000)", "send.xml answer*"))
    elif ok and facts.command == "report.xml":
        if {"start", "stop"} & set(facts.elements):
            out.append((TITLE, _REPORTS, "report.xml start, stop"))
        if {"smsid", "detail"} & set(facts.elements):
            out.append((TITLE, _REPORTS, "report.xml smsid, detail"))
    elif ok and facts.command == "balance.xml":
        out.append((TITLE, _REPORTS, "balance.xml account"))
    elif ok and facts.command == "cancel.xml":
        out.append((TITLE, _REPORTS, "cancel.xml action make, check"))
    return out


RECORDING = Recording((Dialect(
    name=NAME,
    read=read,
    rows=rows,
    auth_failed=re.compile(r"<code>50[01]</code>"),
    paths=("/send.xml", "/report.xml", "/balance.xml", "/cancel.xml"),
    ids=IdNames(xml=("smsid",)),
    redacted=("SMS-Pager <password>",),
),))
