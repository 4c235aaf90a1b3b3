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
reached through a hosts entry) and any Origin it carries (a state-changing request without
one: any Referer) is that same host; otherwise it is treated like a remote client.

The cookie is ambient: a browser attaches it to whatever a page on the same site (another port
of the same host counts) makes it send. So a request the cookie alone admits must come from
the inbox's own origin: its Origin, or failing that its Referer, names the Host it was sent to
(the same name and port), and a state-changing one without an Origin is refused (403). A token
in a header or in the query is sent only by someone who knows it, so it is trusted wherever it
comes from.

Once admitted, a state-changing request (a POST, or a PUT, PATCH or DELETE with a body; the
sink's receiving end excepted) must say `Content-Type: application/json` (else 415): the types
a cross-site page may send without a CORS preflight (text/plain, forms, multipart) are refused
whatever the body holds. A request with no Content-Type at all is let through only from a
client that is not a browser (no Origin, Referer or cookie): scripts and tests that post bare
JSON keep working.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_mocks.seam.hosts import real_hosts

PREFIX = "/_mock"
COOKIE = "sms_mocks_token"
HEADER = b"x-mock-token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = b"application/json"
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

    async def __call__(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        if _open(scope):
            await app(scope, receive, send)
            return
        client = scope.get("client")
        if not (client and is_loopback(client[0]) and _own_page(scope)):
            if self.token is None:
                await _refuse(scope, receive, send, 403,
                              "the control plane answers only loopback clients until a token "
                              f"is configured: {HOW}")
                return
            presented, source = _presented(scope)
            if presented is None or not hmac.compare_digest(presented, self.token):
                await _refuse(scope, receive, send, 401,
                              "this request needs the control token: send 'Authorization: "
                              "Bearer TOKEN' or 'X-Mock-Token: TOKEN' (the inbox: "
                              "/_mock/ui?token=TOKEN)")
                return
            if source == "cookie" and not _cookie_from_own_page(scope):
                await _refuse(scope, receive, send, 403,
                              "the inbox's cookie is accepted only from the inbox's own pages "
                              "(an Origin or Referer on the Host the request is sent to); "
                              "other clients send 'Authorization: Bearer TOKEN' or "
                              "'X-Mock-Token: TOKEN'")
                return
            if source == "query" and scope["type"] == "http":
                send = _setting_cookie(send, presented)
        if _unsupported_type(scope):
            await _refuse(scope, receive, send, 415,
                          "the control API reads JSON only: send 'Content-Type: "
                          "application/json' with every POST, and with any PUT, PATCH or "
                          "DELETE that has a body")
            return
        await app(scope, receive, send)


def _headers(scope: Scope, *names: bytes) -> list[bytes | None]:
    """The first value of each of `names` (lower case), None for one that is absent."""
    found: dict[bytes, bytes] = {}
    for key, value in scope.get("headers", ()):
        if key in names and key not in found:
            found[key] = value
    return [found.get(name) for name in names]


def _own_page(scope: Scope) -> bool:
    """Not a browser led here by another site: a local Host, and an Origin on it if there is
    one (a state-changing request without one: a Referer on it if there is one). A read with a
    foreign Referer is a person following a link, and passes."""
    host, origin, referer = _headers(scope, b"host", b"origin", b"referer")
    if host is not None and not _local_name(host.decode("latin-1").strip().lower()):
        return False
    if origin is None and scope.get("method", "GET") not in SAFE:
        origin = referer
    return origin is None or _same_place(scope, host, origin)


def _cookie_from_own_page(scope: Scope) -> bool:
    """A request the cookie alone admits comes from a page of the Host it is sent to: its
    Origin, failing that its Referer, is there. A state-changing one must carry an Origin (a
    browser always sends one with those); a read that names no page at all is a person
    opening a bookmark."""
    host, origin, referer = _headers(scope, b"host", b"origin", b"referer")
    if origin is not None:
        return _same_place(scope, host, origin)
    if scope.get("method", "GET") not in SAFE:
        return False
    return referer is None or _same_place(scope, host, referer)


def _same_place(scope: Scope, host: bytes | None, page: bytes) -> bool:
    """Whether the page (an Origin or a Referer) is on `host` as this request reached it:
    the same name and port (a missing port is the scheme's)."""
    if host is None:
        return False
    scheme = "https" if scope.get("scheme", "http") in ("https", "wss") else "http"
    here = _place(f"{scheme}://{host.decode('latin-1').strip()}")
    return here is not None and _place(page.decode("latin-1").strip()) == here


def _place(url: str) -> tuple[str, int] | None:
    """An origin's (host, port), the port made explicit; None for `null` or anything else
    that is not an http(s) address."""
    try:
        parts = urlsplit(url.lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.rstrip("."), port or (443 if parts.scheme == "https" else 80)


def _unsupported_type(scope: Scope) -> bool:
    """A state-changing request that is not declared JSON (see the module's docstring)."""
    method = scope.get("method")
    if scope["type"] != "http" or method not in CHANGING:
        return False
    kind, length, chunked, origin, referer, cookie = _headers(
        scope, b"content-type", b"content-length", b"transfer-encoding", b"origin",
        b"referer", b"cookie")
    has_body = chunked is not None or (length is not None and length.strip(b" 0") != b"")
    if method != "POST" and not has_body:
        return False
    if kind is None:
        return origin is not None or referer is not None or (
            cookie is not None and COOKIE.encode() in cookie)
    return kind.split(b";", 1)[0].strip().lower() != JSON


@lru_cache(maxsize=256)
def _local_name(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").rstrip(".")
    if "." not in name or name.endswith(".localhost") or name in real_hosts():
        return True  # a public site's name (what rebinding needs) has a dot
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True  # an address, not a name: nothing to rebind


def _presented(scope: Scope) -> tuple[bytes | None, str | None]:
    """The token the request carries, and where: "header", "cookie" or "query"."""
    for key, value in scope.get("headers", ()):
        if key == b"authorization" and value[:7].lower() == b"bearer ":
            return value[7:].strip(), "header"
        if key == HEADER:
            return value.strip(), "header"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "token":  # before the cookie: a link with the token is no ambient credential
            return value.encode("latin-1", "replace"), "query"
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.split(b";"):
                name, _, token = part.strip().partition(b"=")
                if name == COOKIE.encode():
                    return unquote_to_bytes(token), "cookie"
    return None, None


def _setting_cookie(send: Send, token: bytes) -> Send:
    cookie = (f"{COOKIE}={quote(token, safe='')}; Path={PREFIX}; HttpOnly; "
              "SameSite=Strict").encode("latin-1")

    async def sending(message: Message) -> None:
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
