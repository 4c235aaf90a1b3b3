"""What the `serve` options for TLS (declared in settings/schema.py) make: the files to serve,
or a clear error."""

from __future__ import annotations

import argparse
from pathlib import Path

from sms_mocks.seam.hosts import real_hosts
from sms_mocks.tls.files import TlsError, TlsFiles, check, default_dir

# The certificate's names: every provider's real host, and this machine by name and address:
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


def wanted(args: argparse.Namespace) -> bool:
    return bool(args.tls or args.tls_port)


def prepare(args: argparse.Namespace) -> TlsFiles | None:
    """The files the HTTPS listeners serve, or None without --tls / --tls-port."""
    if not wanted(args):
        stray = [flag for flag, value in (("--tls-dir", args.tls_dir),
                                          ("--tls-name", args.tls_name),
                                          ("--tls-cert", args.tls_cert),
                                          ("--tls-key", args.tls_key)) if value]
        if stray:
            raise TlsError(f"{stray[0]} needs --tls or --tls-port")
        return None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise TlsError("--tls-cert and --tls-key go together")
        if args.tls_dir or args.tls_name:
            raise TlsError("--tls-dir and --tls-name make a certificate; "
                           "--tls-cert serves a given one")
        return check(TlsFiles(cert=args.tls_cert, key=args.tls_key))
    try:
        from sms_mocks.tls import authority
    except ImportError as exc:  # pragma: no cover - cryptography is a dependency
        raise TlsError(f"making a certificate needs the cryptography package ({exc})") from exc
    directory = args.tls_dir or _data_tls_dir(args) or default_dir()
    names = [*real_hosts(), *LOCAL_NAMES, *args.tls_name]
    return check(authority.ensure(directory.expanduser(), names))


def _data_tls_dir(args: argparse.Namespace) -> Path | None:
    # With --data-dir the CA lives beside the sandbox it serves.
    data_dir = getattr(args, "data_dir", None)
    return Path(data_dir) / "tls" if data_dir else None


def describe(files: TlsFiles) -> list[str]:
    """What the ready line is followed by: which certificate, and which CA to trust."""
    if files.ca is None:
        return [f"TLS: serving {files.cert} with {files.key}"]
    return [f"TLS: certificate for {', '.join(files.names)}",
            f"TLS: signed by the local CA {files.ca}; trust it to reach the real host names "
            f"(curl --cacert {files.ca}, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS; see docs/tls.md)"]
