"""HTTP plumbing shared by the dialects, at the ASGI level: bounded body reads, headers, and
form decoding in any charset.

Starlette decodes query strings as UTF-8; SMSC's default is windows-1251, so parameters are
decoded here from the raw bytes, in the charset the request names. These run on every request,
so the common case (plain ASCII, nothing escaped) takes the short way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from urllib.parse import unquote_to_bytes

from mypy_extensions import mypyc_attr
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:  # core sits above asgi: annotations only
    from sms_mocks.core.gateway import Gateway

MAX_FIELDS = 1000
BODY_SECONDS = 10.0  # a body that takes longer to arrive is refused, as one too large is


class BodyTooLarge(Exception):
    """The body is refused: too large, or too slow to arrive (each dialect answers both with
    its own "request refused" error, and the connection is closed after the answer)."""


def header(scope: Scope, name: bytes) -> bytes | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in headers:
        if key == name:
            return value
    return None


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The body, refusing past `limit` bytes without buffering more than that, or when it has
    not all arrived within BODY_SECONDS (a slow client holds a concurrency slot). A client
    that goes away mid-body leaves what had arrived."""
    declared = header(scope, b"content-length")
    if declared is not None and declared.isdigit() and (len(declared) > 18
                                                        or int(declared) > limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    task = asyncio.current_task()
    assert task is not None
    _reading[task] = time.monotonic() + BODY_SECONDS
    try:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
    except asyncio.CancelledError:
        if task not in _expired:
            raise
        task.uncancel()
        raise BodyTooLarge from None
    finally:
        _reading.pop(task, None)
        _expired.discard(task)
    return b"".join(chunks)


# Body reads in progress and when each is due to have finished. The app's ticker refuses the
# late ones (expire_slow_bodies); an asyncio.timeout a read, a timer scheduled and cancelled
# each time, cost a tenth of an SMS-Pager request.
_reading: dict[asyncio.Task[Any], float] = {}
_expired: set[asyncio.Task[Any]] = set()


def expire_slow_bodies() -> int:
    """Cancel this loop's body reads past their deadline (they answer "too large"); the
    number cancelled. Called from the loop that runs them, about every 50 ms."""
    now = time.monotonic()
    loop = asyncio.get_running_loop()
    late = [task for task, due in list(_reading.items())
            if due <= now and task.get_loop() is loop and task not in _expired]
    for task in late:
        _expired.add(task)
        task.cancel()
    return len(late)


def _unquote(raw: bytes) -> bytes:
    if b"%" in raw or b"+" in raw:
        return unquote_to_bytes(raw.replace(b"+", b" "))
    return raw


def form_pairs(raw: bytes) -> list[tuple[bytes, bytes]]:
    """Split an application/x-www-form-urlencoded string into undecoded byte pairs."""
    pairs = []
    for part in raw.split(b"&", MAX_FIELDS)[:MAX_FIELDS]:
        if part:
            name, _, value = part.partition(b"=")
            if b"%" in part or b"+" in part:
                name, value = _unquote(name), _unquote(value)
            pairs.append((name, value))
    return pairs


def decode_pairs(pairs: list[tuple[bytes, bytes]], encoding: str) -> dict[str, str]:
    """Decode names and values; a repeated name keeps its last value, as PHP does. Every
    charset offered is ASCII-compatible, so ASCII bytes skip the (slower) codec."""
    out = {}
    for name, value in pairs:
        key = name.decode("ascii") if name.isascii() else name.decode(encoding, "replace")
        out[key] = value.decode("ascii") if value.isascii() else value.decode(encoding,
                                                                                "replace")
    return out


def multipart_pairs(content_type: bytes, raw: bytes) -> list[tuple[bytes, bytes]]:
    """The undecoded text fields of a multipart/form-data body, as PHP puts them in $_POST.
    Parts with a filename are attachments (002: files go in the body of a POST), not
    parameters. A body that does not parse gives no fields, never an exception."""
    try:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type + b"\r\n\r\n" + raw)
        if not message.is_multipart():
            return []
        pairs = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str) or part.get_filename() is not None:
                continue
            value = part.get_payload(decode=True)
            pairs.append((name.encode("utf-8", "surrogateescape"),
                          value if isinstance(value, bytes) else b""))
            if len(pairs) >= MAX_FIELDS:
                break
        return pairs
    except Exception:  # the stdlib parser's refusals are not one documented type
        return []


def is_multipart(scope: Scope) -> bool:
    content_type = header(scope, b"content-type") or b""
    return content_type.split(b";", 1)[0].strip().lower() == b"multipart/form-data"


def body_pairs(method: str, content_type: bytes | None, body: bytes) -> list[tuple[bytes, bytes]]:
    """The undecoded pairs of a body already read, as posted_form reads them: a POSTed form,
    urlencoded (or with no content type, as PHP reads it) or multipart; nothing otherwise."""
    if method != "POST":
        return []
    kind = (content_type or b"").split(b";", 1)[0].strip().lower()
    if kind == b"multipart/form-data":
        return multipart_pairs(content_type or b"", body)
    if content_type is None or kind == b"application/x-www-form-urlencoded":
        return form_pairs(body)
    return []


async def posted_form(scope: Scope, receive: Receive, limit: int
                      ) -> list[tuple[bytes, bytes]]:
    """The undecoded pairs of a POSTed form, urlencoded or multipart (a body with no content
    type counts as urlencoded, as PHP reads it); nothing for other requests. Raises
    BodyTooLarge past `limit` bytes."""
    if scope["method"] != "POST":
        return []
    if is_multipart(scope):
        return multipart_pairs(header(scope, b"content-type") or b"",
                               await read_body(scope, receive, limit))
    if not (is_form(scope) or header(scope, b"content-type") is None):
        return []
    return form_pairs(await read_body(scope, receive, limit))


def form_params(scope: Scope, body: bytes, charsets: dict[str, str],
                default: str) -> dict[str, str]:
    """Query and form body merged, the body winning, decoded in the codec `charsets` gives for
    the request's `charset` parameter (`default` without one, or for one it does not know)."""
    pairs = form_pairs(scope.get("query_string", b"")) + body_pairs(
        scope["method"], header(scope, b"content-type"), body)
    charset = next((v for k, v in reversed(pairs) if k == b"charset"), b"")
    return decode_pairs(pairs, charsets.get(charset.decode("latin-1").strip().lower(), default))


def local_name(tag: object) -> str:
    """An XML element's name without its namespace; "" for a comment or processing instruction."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def is_form(scope: Scope) -> bool:
    content_type = header(scope, b"content-type")
    if content_type is None:
        return False
    return content_type.split(b";", 1)[0].strip().lower() == b"application/x-www-form-urlencoded"


async def respond(send: Send, body: bytes, content_type: bytes, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# The reason phrases nginx writes on its own error pages (ngx_http_special_response.c).
NGINX_REASONS = {413: "Request Entity Too Large", 429: "Too Many Requests",
                 500: "Internal Server Error", 502: "Bad Gateway",
                 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


def nginx_page(status: int) -> bytes:
    """The error page nginx answers with itself, in front of a gateway (text/html)."""
    title = f"{status} {NGINX_REASONS[status]}"
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n").encode()


class Answer(NamedTuple):
    body: bytes
    content_type: bytes
    status: int = 200


C = TypeVar("C", bound=Callable[..., Any])


# Compiled (mypyc), and subclassed by the dialects' endpoints, which may not be.
@mypyc_attr(allow_interpreted_subclasses=True)
class ProviderApp:
    """A provider path served as a bare ASGI app: Starlette routes to it, and no Request or
    Response object is built on the emulator's hottest paths. Subclasses speak the dialect."""

    log = logging.getLogger("sms_mocks")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError  # each dialect answers in its own words

    @staticmethod
    def gateway(scope: Scope) -> Gateway:
        """The app's gateway, with every transition due by now fired, so nothing reads stale."""
        gateway: Gateway = scope["app"].runtime.gateway
        gateway.tick()
        return gateway

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """The answer to this request for one of the provider's documented errors (a fault
        rule's), rendered as the dialect renders it, running nothing else; None when this
        request has no place for one (it is then answered as usual)."""
        return None

    def internal_error(self, scope: Scope) -> None:
        """A bug of ours: the log gets the traceback, and /_mock/health counts it so the test
        suite (and the pytest fixture) can fail on it; the client still gets a provider answer."""
        self.log.exception("internal error on %s", scope.get("path"))
        scope["app"].runtime.internal_errors += 1


@mypyc_attr(allow_interpreted_subclasses=True)
class CommandApp(ProviderApp, Generic[C]):
    """One provider command, a plain function the subclass calls in its dialect."""

    def __init__(self, command: C) -> None:
        self.command = command
        self.__name__ = command.__name__
        self.__doc__ = command.__doc__
