"""/rest/send/: send.php's parameters as a JSON object POSTed in the body, answered as fmt=3
(002; FACTS B.2: `{"login":…,"psw":…,"phones":…,"mes":…,"cost":3}` →
`{"id":14,"cnt":1,"cost":"4.1","balance":"83.6"}`)."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import Answer, BodyTooLarge, ProviderApp, read_body, respond
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import MAX_BODY, PROVIDER, SmscError, perform, refused
from sms_mocks.providers.smsc.send import send
from sms_mocks.seam.exchange import READING_KEY, Reading

PATH = "/rest/send/"
CONTENT_TYPE = b"application/json; charset=utf-8"


def params_of(body: bytes) -> dict[str, str]:
    """The JSON object's members as send.php parameters: numbers and booleans as a form would
    carry them, a list of phones joined with commas. Anything else is error 1."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise SmscError(codes.PARAMS) from None
    if not isinstance(data, dict):
        raise SmscError(codes.PARAMS)
    return {str(k): _text(v) for k, v in data.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ",".join(str(v) for v in value)
    if value is None:
        return ""
    raise SmscError(codes.PARAMS)


class RestEndpoint(ProviderApp):
    log = logging.getLogger("sms_mocks.smsc.rest")

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        client = scope["client"][0] if scope.get("client") else ""
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        try:
            if reading is None:
                if scope["method"] != "POST":
                    raise SmscError(codes.PARAMS)
                try:
                    body = await read_body(scope, receive, MAX_BODY)
                except BodyTooLarge:
                    raise SmscError(codes.PARAMS) from None
                reading = read_json(scope, body)
            scope[READING_KEY] = reading
            if reading.request is not None:
                raise reading.request  # the body was no JSON object of parameters
            params = {**reading.params, "fmt": "3"}
            answer = perform(self.gateway(scope), client, params, formats.JSON, send, reading)
        except SmscError as exc:
            reading = _refused(scope, reading, exc)
            answer = formats.error(formats.JSON, exc.code, exc.ext_id, exc.description)
        except Exception:
            self.internal_error(scope)
            reading = _refused(scope, reading, SmscError(codes.PARAMS))
            answer = formats.error(formats.JSON, codes.PARAMS)
        await respond(send_, answer.encode("utf-8"), CONTENT_TYPE)

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """Error `code` as JSON, echoing the client's id as send.php does."""
        reading = _refused(scope, scope.get(READING_KEY) or read_json(scope, body),
                           SmscError(int(code)))
        ext_id = reading.params.get("id") or None
        return Answer(formats.error(formats.JSON, int(code), ext_id).encode("utf-8"),
                      CONTENT_TYPE)


def read_json(scope: Scope, body: bytes) -> Reading:
    """The one reading of a /rest/send/ body: its parameters, or the error 1 it earns kept as
    the reading's request."""
    try:
        params = params_of(body)
    except SmscError as exc:
        return Reading(PROVIDER, "rest/send", request=exc)
    return Reading(PROVIDER, "rest/send", params, params.get("login") or None)


def _refused(scope: Scope, reading: Reading | None, error: SmscError) -> Reading:
    if reading is None:
        reading = Reading(PROVIDER, "rest/send")
    scope[READING_KEY] = reading
    refused(reading, error)
    return reading
