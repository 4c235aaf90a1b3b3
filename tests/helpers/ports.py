"""A free loopback port for a server a test starts in its own process."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on right now; the kernel may hand it out again once closed, so
    use it at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
