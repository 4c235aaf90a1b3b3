"""How a TargetSMS request is read (sendsms.php's query and form, the JSON API's object, the
XML gate's document), and what fault rules match on: the login, the numbers and the texts."""

from __future__ import annotations

from starlette.types import Scope

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.targetsms import json_api, xml_api
from sms_mocks.providers.targetsms.documents import Request
from sms_mocks.providers.targetsms.endpoint import read_form
from sms_mocks.seam.exchange import Facts, Reading, facts_of, split_numbers


def read(path: str, scope: Scope, body: bytes) -> Reading:
    if path == json_api.PATH:
        return json_api.read(path, body)
    if path in xml_api.SCRIPTS:
        return xml_api.read(path, body)
    return read_form(scope, body)


def facts(reading: Reading, gateway: Gateway) -> Facts:
    request = reading.request
    if isinstance(request, tuple):  # served already: the request and its rows
        request = request[0]
    if isinstance(request, Request):
        phones = [a.phone or "" for m in request.messages for a in m.abonents]
        return facts_of(request.login, phones, [m.text or "" for m in request.messages])
    if reading.endpoint.startswith("sendsms.php"):
        params = reading.params
        return facts_of(params.get("user"), split_numbers(params.get("dadr", "")),
                        [params.get("text", "")])
    return Facts()
