"""Who may use /_mock/: loopback clients always; others only with the control token.

The control plane can reset accounts, move the clock and read every text sent (OTP codes
included), so a server listening beyond loopback (a container always is) refuses other clients
unless a token is configured and they present it: `Authorization: Bearer TOKEN`,
`X-Mock-Token: TOKEN`, or, for a person opening the inbox, `?token=TOKEN` once, which sets a
cookie for /_mock/ so the page's own requests and event stream carry it.

Always open: GET /_mock/health (orchestrators probe it from outside; it tells counts only) and
POST/PUT /_mock/sink/{name}, a callback receiver anyone's application may post to, like a real
webhook endpoint (reading what it received needs the token). Provider paths never come here.

Loopback is trusted only as itself: a browser on this machine can be made to send requests
here by any web page (a cross-site POST, or DNS rebinding of the page's own name to
127.0.0.1). So a loopback request passes without a token only if its Host is a local name (an
IP literal, a name without a dot such as localhost, *.localhost, or a provider's real host
reached through a hosts entry) and any Origin it carries is that same host; otherwise it is
treated like a remote client.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

from sms_mocks.hosts import REAL_HOSTS
from sms_mocks.http import Receive, Send

Scope = dict[str, Any]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/_mock"
COOKIE = "sms_mocks_token"
HEADER = b"x-mock-token"
HOW = ("start sms-mocks with --control-token TOKEN (or SMS_MOCKS_CONTROL_TOKEN=TOKEN) and send "
       "'Authorization: Bearer TOKEN' or 'X-Mock-Token: TOKEN'; for the inbox open "
       "/_mock/ui?token=TOKEN")


def gated(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def _open(scope: Scope) -> bool:
    path, method = scope["path"], scope.get("method", "GET")
    if path == PREFIX + "/health":
        return method in ("GET", "HEAD")
    return path.startswith(PREFIX + "/sink/") and method in ("POST", "PUT")


@lru_cache(maxsize=1024)
def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 from a dual-stack socket
    return address.is_loopback


class Gate:
    def __init__(self, token: str | None) -> None:
        self.token = token.encode() if token else None

    async def __call__(self, app: App, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (client and is_loopback(client[0]) and _own_page(scope)) or _open(scope):
            await app(scope, receive, send)
            return
        if self.token is None:
            await _refuse(scope, receive, send, 403,
                          "the control plane answers only loopback clients until a token is "
                          f"configured: {HOW}")
            return
        presented, from_query = _presented(scope)
        if presented is None or not hmac.compare_digest(presented, self.token):
            await _refuse(scope, receive, send, 401,
                          "this request needs the control token: send 'Authorization: Bearer "
                          "TOKEN' or 'X-Mock-Token: TOKEN' (the inbox: /_mock/ui?token=TOKEN)")
            return
        if from_query and scope["type"] == "http":
            send = _setting_cookie(send, presented)
        await app(scope, receive, send)


def _own_page(scope: Scope) -> bool:
    """Not a browser led here by another site: a local Host, and an Origin (if any) on it."""
    host = origin = None
    for key, value in scope.get("headers", ()):
        if key == b"host":
            host = value.decode("latin-1").strip().lower()
        elif key == b"origin":
            origin = value.decode("latin-1").strip().lower()
    if host is not None and not _local_name(host):
        return False
    if origin is None:
        return True
    return host is not None and origin.partition("://")[2] == host


@lru_cache(maxsize=256)
def _local_name(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").rstrip(".")
    if "." not in name or name.endswith(".localhost") or name in REAL_HOSTS:
        return True  # a public site's name (what rebinding needs) has a dot
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True  # an address, not a name: nothing to rebind


def _presented(scope: Scope) -> tuple[bytes | None, bool]:
    """The token the request carries, and whether it came in the query string."""
    for key, value in scope.get("headers", ()):
        if key == b"authorization" and value[:7].lower() == b"bearer ":
            return value[7:].strip(), False
        if key == HEADER:
            return value.strip(), False
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.split(b";"):
                name, _, token = part.strip().partition(b"=")
                if name == COOKIE.encode():
                    return unquote_to_bytes(token), False
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "token":
            return value.encode("latin-1", "replace"), True
    return None, False


def _setting_cookie(send: Send, token: bytes) -> Send:
    cookie = (f"{COOKIE}={quote(token, safe='')}; Path={PREFIX}; HttpOnly; "
              "SameSite=Strict").encode("latin-1")

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()),
                                              (b"set-cookie", cookie)]}
        await send(message)

    return sending


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, error: str) -> None:
    if scope["type"] != "http":  # a websocket: close it before accepting
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body))
                                                          .encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="sms-mocks"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
