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
    cert, key = _read(files.cert), _read(files.key)
    if b"-----BEGIN CERTIFICATE-----" not in cert:
        raise TlsError(f"{files.cert}: not a PEM certificate")
    if b"ENCRYPTED" in key:
        raise TlsError(f"{files.key}: the key is encrypted; serve an unencrypted copy "
                       "(openssl pkey -in KEY -out PLAIN.pem)")
    if b"PRIVATE KEY-----" not in key:
        raise TlsError(f"{files.key}: not a PEM private key")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # A password callback, so an encrypted key is refused rather than prompted for.
        context.load_cert_chain(files.cert, files.key, password=_no_password)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise TlsError(f"{files.key} is not the key of {files.cert}") from exc
        raise TlsError(f"cannot use {files.cert} with {files.key}: a damaged certificate or "
                       f"key ({exc.reason or exc.strerror or exc})") from exc
    return files


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TlsError(f"{path}: no such file") from None
    except OSError as exc:
        raise TlsError(f"cannot read {path}: {exc.strerror}") from exc


def _no_password() -> bytes:
    raise TlsError("the key is encrypted; serve an unencrypted copy")
