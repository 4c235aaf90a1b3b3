"""A non-loopback address of this machine, for tests that need a client the control plane
sees as remote; connecting to it stays inside the host."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import subprocess


def non_loopback_ipv4() -> str | None:
    candidates: list[str] = []
    with contextlib.suppress(OSError):
        candidates += socket.gethostbyname_ex(socket.gethostname())[2]
    try:  # `hostname -I` lists every configured address
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
        candidates += out.stdout.split()
    except (OSError, subprocess.SubprocessError):
        pass
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.version == 4 and not address.is_loopback and _bindable(candidate):
            return candidate
    return None


def _bindable(address: str) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((address, 0))
        except OSError:
            return False
    return True
