"""How an SMSC request is read: each API's one reader of the bytes (the HTTP commands' query
and form, /rest/send/'s JSON, a SOAP envelope), and what fault rules match on."""

from __future__ import annotations

from starlette.types import Scope

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc import rest
from sms_mocks.providers.smsc.endpoint import PROVIDER, read_form
from sms_mocks.providers.smsc.soap import reading as soap_reading
from sms_mocks.providers.smsc.soap.endpoint import PATH as SOAP_PATH
from sms_mocks.providers.smsc.soap.interface import OPERATIONS
from sms_mocks.seam.exchange import Facts, Reading, facts_of, split_numbers

SOAP_OPERATIONS = {operation.request: operation.name for operation in OPERATIONS}


def read(path: str, scope: Scope, body: bytes) -> Reading:
    if path == SOAP_PATH:
        return soap_reading.read_envelope(scope["method"], scope.get("query_string", b""), body)
    if path == rest.PATH:
        return rest.read_json(scope, body)
    return read_form(path, scope, body)


def facts(reading: Reading, gateway: Gateway) -> Facts:
    """The login (an API key names one too), the phones and the text."""
    params = reading.params
    login = params.get("login")
    key = params.get("apikey") or (params.get("psw") if not login else None)
    if not login and key:
        account = gateway.by_api_key(PROVIDER, key)
        login = account.login if account is not None else None
    return facts_of(login, split_numbers(params.get("phones", "")), [params.get("mes", "")])
