"""A small client of the control API (/_mock/), standard library only, so that the pytest plugin
adds no dependency. It goes where the URL says: http or https (the emulator's own CA trusted,
or a given ssl context), any port, behind any path prefix."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from sms_mocks.tls.files import CA_CERT, default_dir


def _hide(excinfo: Any) -> bool:
    """pytest's traceback filter for this module's frames: a control-plane error is shown
    from the test's line, a bug of ours with every frame."""
    return excinfo is None or excinfo.errisinstance(ControlError)


# pytest reads this from the frames' globals too: every frame of this module, no repetition.
__tracebackhide__ = _hide


class ControlError(RuntimeError):
    """The control API refused a call, or answered what is not its JSON: `status` (0 when
    there was no HTTP answer) and the server's own `message`."""

    __module__ = "sms_mocks"  # where users import it from, and how tracebacks name it

    def __init__(self, message: str, status: int = 0, method: str = "", path: str = "") -> None:
        where = f"{method} {path}: " if method else ""
        super().__init__(f"{where}{status} {message}" if status else f"{where}{message}")
        self.message = message
        self.status = status
        self.method = method
        self.path = path


class WaitTimeout(ControlError, TimeoutError):
    """No matching message arrived in time (the control API's 408)."""

    __module__ = "sms_mocks"


def tls_context(cafile: str | Path | None = None) -> ssl.SSLContext:
    """The system's CAs, plus `cafile` or, without one, the CA `serve --tls` made in its
    default directory when there is one (a sandbox on this machine)."""
    context = ssl.create_default_context()
    own = Path(cafile) if cafile is not None else default_dir() / CA_CERT
    if cafile is not None or own.is_file():
        context.load_verify_locations(own)
    return context


class ControlClient:
    """JSON calls to /_mock/ over one keep-alive connection per thread."""

    def __init__(self, url: str, timeout: float = 10.0, token: str | None = None, *,
                 ssl_context: ssl.SSLContext | None = None,
                 cafile: str | Path | None = None) -> None:
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the emulator's URL is http:// or https://, not {url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")  # an emulator behind a proxy, at /sms/ say
        # an emulator beyond loopback (a container) answers /_mock/ only with its token
        self.token = token
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._ssl = (ssl_context or tls_context(cafile)) if parts.scheme == "https" else None
        self._timeout = timeout
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []

    def with_timeout(self, timeout: float) -> ControlClient:
        """The same emulator, another socket timeout (and connections of its own)."""
        return ControlClient(self.url, timeout, self.token, ssl_context=self._ssl)

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._ssl is not None:
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self._timeout,
                                                   context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self._timeout)
            self._local.conn = conn
            self._opened.append(conn)
        return conn

    def close(self) -> None:
        for conn in self._opened:
            conn.close()
        self._opened.clear()
        self._local = threading.local()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             query: dict[str, Any] | list[tuple[str, Any]] | None = None) -> Any:
        """The answer's JSON; ControlError when the status is not 2xx (with the server's
        `error`) or the body is not JSON."""
        target = self.prefix + path + ("?" + urlencode(query) if query else "")
        payload = json.dumps(body).encode() if body is not None else None
        # every change says JSON, a body or not (the control plane refuses other types)
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        headers.update(self._auth)
        status, data = self._exchange(method, target, payload, headers)
        if not 200 <= status < 300:
            raise (WaitTimeout if status == 408 else ControlError)(
                _error_text(data), status, method, path)
        try:
            return json.loads(data) if data else None
        except ValueError:
            raise ControlError(f"not a JSON answer: {data[:200]!r}", status, method,
                               path) from None

    def call_object(self, method: str, path: str, body: dict[str, Any] | None = None,
                    query: dict[str, Any] | list[tuple[str, Any]] | None = None
                    ) -> dict[str, Any]:
        """call() for a route that answers a JSON object (every control route but a few): any
        other JSON (a proxy's, say) is a ControlError here rather than a KeyError later."""
        answer = self.call(method, path, body, query)
        if not isinstance(answer, dict):
            raise ControlError(f"not a JSON object: {answer!r:.200}", 0, method, path)
        return answer

    def _exchange(self, method: str, target: str, payload: bytes | None,
                  headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a kept-alive connection the server closed is retried once
            conn = self._connection()
            try:
                conn.request(method, target, body=payload, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException) as exc:
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise ControlError(f"no answer from {self.url} ({exc!r})", 0, method,
                                       target) from exc
        raise AssertionError("unreachable")

    def health(self) -> dict[str, Any]:
        return self.call_object("GET", "/_mock/health")

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.call_object("POST", "/_mock/clock/advance", {"seconds": seconds})

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """The newest `limit` matching messages (all of them without one), oldest first,
        following the server's pages (at most 1000 each). `account` is a login or an
        account object."""
        wanted = filters.pop("limit", None)
        pages: list[list[dict[str, Any]]] = []
        count = 0
        query = _filters(filters)
        while wanted is None or count < int(wanted):
            if wanted is not None:
                query["limit"] = min(PAGE, int(wanted) - count)
            answer = self.call_object("GET", "/_mock/messages", query=query)
            pages.append(answer["messages"])
            count += len(answer["messages"])
            if "next" not in answer:
                break
            query["before"] = answer["next"]
        return [m for page in reversed(pages) for m in page]

    def put_account(self, **spec: Any) -> dict[str, Any]:
        return self.call_object("POST", "/_mock/accounts", spec)

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Provider requests, newest first (filters: provider, account (a login or an
        account object), endpoint (send.php or /sys/send.php), refused, limit)."""
        query = {k: str(v).lower() if isinstance(v, bool) else v
                 for k, v in _filters(filters).items()}
        entries: list[dict[str, Any]] = self.call_object("GET", "/_mock/journal",
                                                         query=query)["entries"]
        return entries


PAGE = 1000  # the most /_mock/messages answers at once


def _filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Query filters with an account object read as its provider and login."""
    query = dict(filters)
    account = query.get("account")
    if account is not None and not isinstance(account, str):
        query["account"] = account.login
        query.setdefault("provider", account.provider)
    return query


def _error_text(data: bytes) -> str:
    """The control API's {"error": ...}, else the start of whatever answered (a proxy's
    HTML page, say)."""
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, str):
        return error
    text = data[:200].decode("utf-8", errors="replace").strip()
    return text or "(no body)"
