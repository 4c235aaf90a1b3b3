"""/rest/send/: send.php's parameters as a JSON object POSTed in the body, answered as fmt=3
(002; FACTS B.2: `{"login":…,"psw":…,"phones":…,"mes":…,"cost":3}` →
`{"id":14,"cnt":1,"cost":"4.1","balance":"83.6"}`)."""

from __future__ import annotations

import json
import logging
from typing import Any

from sms_mocks.http import Answer, BodyTooLarge, ProviderApp, Receive, Send, read_body, respond
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import MAX_BODY, SmscError, perform
from sms_mocks.providers.smsc.send import send

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

    async def __call__(self, scope: dict[str, Any], receive: Receive, send_: Send) -> None:
        client = scope["client"][0] if scope.get("client") else ""
        try:
            if scope["method"] != "POST":
                raise SmscError(codes.PARAMS)
            try:
                body = await read_body(scope, receive, MAX_BODY)
            except BodyTooLarge:
                raise SmscError(codes.PARAMS) from None
            params = params_of(body)
            params["fmt"] = "3"
            answer = perform(self.gateway(scope), client, params, formats.JSON, send)
        except SmscError as exc:
            answer = formats.error(formats.JSON, exc.code, exc.ext_id, exc.description)
        except Exception:
            self.internal_error(scope)
            answer = formats.error(formats.JSON, codes.PARAMS)
        await respond(send_, answer.encode("utf-8"), CONTENT_TYPE)

    def injected_error(self, scope: dict[str, Any], body: bytes, code: int | str
                       ) -> Answer | None:
        """Error `code` as JSON, echoing the client's id as send.php does."""
        try:
            ext_id = params_of(body).get("id") or None
        except SmscError:
            ext_id = None
        return Answer(formats.error(formats.JSON, int(code), ext_id).encode("utf-8"),
                      CONTENT_TYPE)
