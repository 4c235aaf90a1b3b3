"""How an SMS-Pager request is read (endpoint.read_document), and what fault rules match on:
its login, the <to> numbers and the texts (the common <text> and each <to>'s own)."""

from __future__ import annotations

from starlette.types import Scope

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smspager.endpoint import read_document
from sms_mocks.seam.exchange import Facts, Reading, facts_of


def read(path: str, scope: Scope, body: bytes) -> Reading:
    return read_document(path, body)


def facts(reading: Reading, gateway: Gateway) -> Facts:
    if not isinstance(reading.request, tuple):  # unreadable: nothing to match
        return Facts()
    root, fields = reading.request
    phones, texts = [], [fields.get("text", "")]
    for child in root:
        if isinstance(child.tag, str) and child.tag.lower() == "to":
            phones.append(child.get("number") or "")
            texts.append((child.text or "").strip())
    return facts_of(reading.login, phones, texts)
