"""What a client with hard-coded hosts sees through a hosts entry: an httpx client whose
name lookups are overridden, verifying certificates against a given CA only."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpcore
import httpx

from tests.helpers.serving import serving as cli_serving


class _HostsEntries(httpcore.NetworkBackend):
    """A hosts file plus a port forward: (name, port) → a loopback port; anything else fails,
    so no test can reach the network."""

    def __init__(self, entries: dict[tuple[str, int], int]) -> None:
        self._entries = entries
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        if (host, port) not in self._entries:
            raise httpcore.ConnectError(f"{host}:{port} is not in the test's hosts entries")
        return self._backend.connect_tcp("127.0.0.1", self._entries[(host, port)], timeout,
                                         local_address, socket_options)


def trusting(ca: Path) -> ssl.SSLContext:
    """Only `ca` is trusted, and the host name is checked, as any HTTPS client does."""
    context = ssl.create_default_context(cafile=str(ca))
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    return context


def client(ca: Path, entries: dict[tuple[str, int], int]) -> httpx.Client:
    transport = httpx.HTTPTransport(verify=trusting(ca))
    # httpx takes no resolver, so its connection pool is swapped for one that looks the
    # names up in `entries`; TLS still goes to (and checks) the name in the URL.
    transport._pool = httpcore.ConnectionPool(ssl_context=trusting(ca),
                                              network_backend=_HostsEntries(entries))
    return httpx.Client(transport=transport, timeout=10)


def serving(*args: str) -> AbstractContextManager[tuple[subprocess.Popen[str], str]]:
    """`sms-mocks serve --clock virtual ARGS` in a process; yields it and its ready line."""
    return cli_serving("--clock", "virtual", *args)
