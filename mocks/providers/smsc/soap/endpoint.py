"""/sys/soap.php: the WSDL on GET ?wsdl, SOAP 1.1 calls on POST.

A call is dispatched on the body's root element (every operation shares one soapAction) and
answered as PHP's SoapServer answers: results with HTTP 200, faults with HTTP 500.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.datastructures import State
from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import Answer, BodyTooLarge, ProviderApp, header, read_body, respond
from sms_mocks.providers.smsc.endpoint import PROVIDER
from sms_mocks.providers.smsc.soap import MAX_ENVELOPE, faults, wsdl
from sms_mocks.providers.smsc.soap.reading import UNREAD, read_envelope
from sms_mocks.seam.exchange import READING_KEY, Reading

if TYPE_CHECKING:
    from sms_mocks.providers.smsc.soap.dispatcher import Dispatcher

PATH = "/sys/soap.php"
NAMESPACE_KEY = "smsc.soap_namespace"  # the setting, in Settings.dialect
CONTENT_TYPE = b"text/xml; charset=utf-8"


def asks_for_wsdl(query: bytes) -> bool:
    return any(part.split(b"=", 1)[0].lower() == b"wsdl" for part in query.split(b"&"))


def address(scope: Scope, public_url: str | None) -> str:
    """Where the WSDL's port points: the configured public URL, else this request's host."""
    if public_url:
        return public_url.rstrip("/") + PATH
    host = header(scope, b"host")
    if host:
        authority = host.decode("latin-1")
    else:  # HTTP/1.0 without Host: the address the request came in on
        server_host, port = scope.get("server") or ("127.0.0.1", 80)
        authority = f"[{server_host}]:{port}" if ":" in server_host else f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{authority}{PATH}"


class SoapEndpoint(ProviderApp):
    log = logging.getLogger("sms_mocks.smsc.soap")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = scope["app"].runtime.settings
        namespace = settings.dialect[NAMESPACE_KEY]
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        if scope["method"] != "POST":
            reading = scope[READING_KEY] = read_envelope(
                scope["method"], scope.get("query_string", b""), b"")
            if asks_for_wsdl(scope.get("query_string", b"")):
                document = wsdl.document(namespace, address(scope, settings.public_url))
                await respond(send, document, CONTENT_TYPE)
            else:
                await _fault(send, faults.NO_POST_DATA, reading)
            return
        try:
            body = await read_body(scope, receive, MAX_ENVELOPE)
        except BodyTooLarge:
            reading = scope[READING_KEY] = Reading(PROVIDER, UNREAD)
            await _fault(send, faults.BAD_REQUEST, reading)
            return
        if reading is None:  # read by the dispatcher; a fault rule's reading has the envelope
            reading = scope[READING_KEY] = Reading(PROVIDER, UNREAD)
        client = scope["client"][0] if scope.get("client") else ""
        try:
            dispatcher = _dispatcher(scope["app"].state, namespace)
            answer = dispatcher.call(self.gateway(scope), client, body, None, reading)
        except Exception:
            self.internal_error(scope)
            answer = faults.INTERNAL
        if isinstance(answer, tuple):
            await _fault(send, answer, reading)
        else:
            await respond(send, answer, CONTENT_TYPE)

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """Error `code` in-band in the called operation's result; the WSDL (a GET) is served
        as usual, and an envelope that cannot be read gets its fault as ever."""
        if scope["method"] != "POST":
            return None
        if len(body) > MAX_ENVELOPE:
            return Answer(faults.envelope(faults.BAD_REQUEST), CONTENT_TYPE, 500)
        dispatcher = _dispatcher(scope["app"].state,
                                 scope["app"].runtime.settings.dialect[NAMESPACE_KEY])
        client = scope["client"][0] if scope.get("client") else ""
        reading = scope.get(READING_KEY) or Reading(PROVIDER, UNREAD)
        scope[READING_KEY] = reading
        answer = dispatcher.call(self.gateway(scope), client, body, int(code), reading)
        if isinstance(answer, tuple):
            reading.refuse(f"fault: {answer[1]}")
            return Answer(faults.envelope(answer), CONTENT_TYPE, 500)
        return Answer(answer, CONTENT_TYPE)


def _dispatcher(state: State, namespace: str) -> Dispatcher:
    """The app's own dispatcher (routes are module-level, apps are not: two servers in one
    process must not share one), built on the app's first SOAP call."""
    dispatchers: dict[str, Dispatcher] | None = getattr(state, "soap_dispatchers", None)
    if dispatchers is None:
        dispatchers = state.soap_dispatchers = {}
    dispatcher = dispatchers.get(namespace)
    if dispatcher is None:
        # spyne takes a tenth of a second to import: only a server asked for SOAP pays it.
        from sms_mocks.providers.smsc.soap.dispatcher import Dispatcher

        dispatcher = dispatchers[namespace] = Dispatcher(namespace)
    return dispatcher


async def _fault(send: Send, fault: faults.Fault, reading: Reading) -> None:
    reading.refuse(f"fault: {fault[1]}")
    await respond(send, faults.envelope(fault), CONTENT_TYPE, status=500)
