"""The certificate and key a TLS listener serves, and the checks that they can be served."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path

CA_CERT = "ca.pem"  # what users trust
CA_KEY = "ca-key.pem"
CERT = "cert.pem"
KEY = "key.pem"


class TlsError(Exception):
    """Why the certificate cannot be made, read or served: one line for the command line."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path | None = None  # the CA that signed `cert`, when this emulator made it
    names: tuple[str, ...] = ()  # what `cert` was issued for, when this emulator made it


def default_dir() -> Path:
    """Where the CA lives between runs: $XDG_DATA_HOME/sms-mocks/tls."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sms-mocks" / "tls"


def check(files: TlsFiles) -> TlsFiles:
    """Loads the pair as the server will, so a wrong file is one clear line at start and not
    a traceback from inside uvicorn."""
    for path in (files.cert, files.key):
        if not path.is_file():
            raise TlsError(f"{path}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(files.cert, files.key)
    except ssl.SSLError as exc:
        raise TlsError(f"cannot use {files.cert} with {files.key}: {_reason(exc)}") from exc
    except OSError as exc:
        raise TlsError(f"cannot read {files.cert} or {files.key}: {exc.strerror}") from exc
    return files


def _reason(exc: ssl.SSLError) -> str:
    reason = exc.reason or ""
    if "KEY_VALUES_MISMATCH" in reason:
        return "the key does not belong to the certificate"
    if reason in ("PEM_LIB", "NO_START_LINE") or "PEM" in reason:
        return "not a PEM certificate and unencrypted private key"
    return reason.lower().replace("_", " ") or str(exc)
