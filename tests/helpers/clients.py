"""httpx clients on the tests' own loopback servers, cheap to make."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx


@cache
def _tls() -> ssl.SSLContext:
    """One SSL context for every client: httpx otherwise reads the whole CA bundle again for
    each client it makes (~18 ms of CPU, more than most tests take)."""
    return httpx.create_ssl_context()


def http_client(base_url: str, **options: Any) -> httpx.Client:
    """An httpx.Client on `base_url`, with a 10 s timeout unless told otherwise."""
    options.setdefault("timeout", 10)
    options.setdefault("verify", _tls())
    return httpx.Client(base_url=base_url, **options)
