"""`sms-mocks health`: is a server up? GET /_mock/health, exit 0 if it answers "ok", else 1.

It is the container's HEALTHCHECK, so it uses only the standard library, waits briefly, and
finds the server the way `serve` was told where to listen: SMS_MOCKS_PORT."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping

DEFAULT_PORT = 7214


def default_url(environ: Mapping[str, str]) -> str:
    """The server this container (or shell) runs: on loopback, at SMS_MOCKS_PORT. A server
    listening on every address (0.0.0.0, ::) answers on loopback too."""
    port = environ.get("SMS_MOCKS_PORT", "").strip() or str(DEFAULT_PORT)
    if not port.isdigit():  # `serve` refuses it too; the check then fails plainly
        port = str(DEFAULT_PORT)
    host = environ.get("SMS_MOCKS_HOST", "").strip()
    if host in ("", "0.0.0.0", "::", "[::]", "localhost"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    tls = environ.get("SMS_MOCKS_TLS", "").strip().lower() in ("1", "true", "yes", "on")
    return f"{'https' if tls else 'http'}://{host}:{port}"


def check(url: str, timeout: float) -> tuple[bool, str]:
    """(healthy, what to print)."""
    target = url.rstrip("/") + "/_mock/health"
    try:
        with urllib.request.urlopen(target, timeout=timeout, context=_context(url)) as answer:
            body = json.loads(answer.read(65536))
    except urllib.error.HTTPError as exc:
        return False, f"{target}: HTTP {exc.code}"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timed out,
        # not JSON, a bad URL or port, a broken answer
        return False, f"{target}: {getattr(exc, 'reason', None) or exc}"
    if not isinstance(body, dict) or body.get("status") != "ok":
        return False, f"{target}: not healthy: {body!r}"
    return True, f"{target}: ok ({body.get('messages', 0)} messages, " \
                 f"{body.get('internal_errors', 0)} internal errors)"


def _context(url: str) -> ssl.SSLContext | None:
    """HTTPS is checked as usual, except on loopback: a liveness probe of our own server, whose
    certificate names the providers' hosts, not 127.0.0.1's clients' view of it."""
    if not url.startswith("https://"):
        return None
    host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if host in ("127.0.0.1", "::1", "localhost"):
        return ssl._create_unverified_context()
    return ssl.create_default_context()
