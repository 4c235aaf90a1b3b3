"""A local certificate authority and the server certificate it signs, kept in a directory.

The CA is made once and then reused, so a CA someone has trusted stays trusted across starts;
the server certificate is issued again whenever it no longer fits (a new name asked for, close
to expiry, another CA, a missing or unreadable file). The CA may only sign for the names it was
made for (a name constraint), so trusting it system-wide does not let it vouch for other sites.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sms_mocks.tls.files import CA_CERT, CA_KEY, CERT, KEY, TlsError, TlsFiles

CA_DAYS = 3650
# Apple platforms refuse server certificates valid for more than 825 days even from a private
# CA, and browsers 398 days from a public one; a year stays under both.
CERT_DAYS = 365
RENEW_WITHIN = dt.timedelta(days=30)
Name = str | ipaddress.IPv4Address | ipaddress.IPv6Address


def ensure(directory: Path, names: Iterable[str]) -> TlsFiles:
    """The CA and a server certificate for `names` (DNS names or IP addresses) in
    `directory`, made or reused."""
    wanted = _parse_names(names)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise TlsError(f"cannot create {directory}: {exc.strerror}") from exc
    ca_cert, ca_key = _ca(directory, wanted)
    now = dt.datetime.now(dt.UTC)
    if not _fits(directory, ca_cert, wanted, now):
        _issue(directory, ca_cert, ca_key, wanted, now)
    return TlsFiles(cert=directory / CERT, key=directory / KEY, ca=directory / CA_CERT,
                    names=tuple(str(name) for name in wanted))


def _parse_names(names: Iterable[str]) -> list[Name]:
    parsed: list[Name] = []
    for name in names:
        try:
            value: Name = ipaddress.ip_address(name)
        except ValueError:
            value = name.strip().rstrip(".").lower()
            if not value or any(c.isspace() or c in "/:@*" for c in value):
                raise TlsError(f"{name!r} is not a host name") from None
            try:  # a certificate holds names as ASCII: an international one in its A-label
                value = value.encode("idna").decode("ascii")
            except UnicodeError:
                raise TlsError(f"{name!r} is not a host name") from None
        if value not in parsed:
            parsed.append(value)
    return parsed


def _ca(directory: Path, wanted: list[Name]) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    if not cert_path.exists() and not key_path.exists():
        return _make_ca(directory, wanted)
    # Never replace a CA silently: someone may have trusted it.
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise TlsError(f"cannot read the CA in {directory} ({exc}); remove {cert_path.name} "
                       f"and {key_path.name} to make a new one") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not _pairs(key, cert):
        raise TlsError(f"{key_path} is not the key of {cert_path}")
    outside = [str(name) for name in wanted if not _permitted(cert, name)]
    if outside:
        raise TlsError(f"the CA in {directory} was made without {', '.join(outside)}; "
                       "use another --tls-dir (and trust its CA) to add names")
    return cert, key


def _pairs(key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> bool:
    """The certificate holds the public half of `key` (an EC key: the only kind made here)."""
    public = cert.public_key()
    return isinstance(public, ec.EllipticCurvePublicKey) and \
        key.public_key().public_numbers() == public.public_numbers()


def _make_ca(directory: Path, wanted: list[Name]
             ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    made = now.strftime("%Y-%m-%d %H:%M")
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sms-gateway-mocks"),
        # Unique per machine and run, so two installs never look alike in a trust store.
        x509.NameAttribute(NameOID.COMMON_NAME,
                           f"sms-gateway-mocks local CA ({socket.gethostname()[:20]}, {made})"),
    ])
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.NameConstraints(permitted_subtrees=_subtrees(wanted),
                                            excluded_subtrees=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write(directory / CA_KEY, _key_pem(key), private=True)
    _write(directory / CA_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _subtrees(wanted: list[Name]) -> list[x509.GeneralName]:
    trees: list[x509.GeneralName] = []
    for name in wanted:
        if isinstance(name, str):
            trees.append(x509.DNSName(name))
        else:
            trees.append(x509.IPAddress(ipaddress.ip_network(name)))
    return trees


def _permitted(ca: x509.Certificate, name: Name) -> bool:
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return True
    for tree in constraints.permitted_subtrees or ():
        if isinstance(name, str) and isinstance(tree, x509.DNSName):
            if name == tree.value or name.endswith("." + tree.value):
                return True
        elif not isinstance(name, str) and isinstance(tree, x509.IPAddress) \
                and isinstance(tree.value, ipaddress.IPv4Network | ipaddress.IPv6Network) \
                and name in tree.value:
            return True
    return False


def _fits(directory: Path, ca: x509.Certificate, wanted: list[Name], now: dt.datetime) -> bool:
    try:
        cert = x509.load_pem_x509_certificate((directory / CERT).read_bytes())
        key = serialization.load_pem_private_key((directory / KEY).read_bytes(), password=None)
        cert.verify_directly_issued_by(ca)
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound):
        return False
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not _pairs(key, cert):
        return False
    have = set(names.get_values_for_type(x509.DNSName)) | \
        set(names.get_values_for_type(x509.IPAddress))
    return set(wanted) <= have and cert.not_valid_after_utc - now > RENEW_WITHIN


def _issue(directory: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey,
           wanted: list[Name], now: dt.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    first_dns = next((name for name in wanted if isinstance(name, str)), "localhost")
    alternative: list[x509.GeneralName] = [
        x509.DNSName(name) if isinstance(name, str) else x509.IPAddress(name) for name in wanted]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, first_dns)]))
        .issuer_name(ca.subject).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(min(now + dt.timedelta(days=CERT_DAYS), ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(directory / KEY, _key_pem(key), private=True)
    _write(directory / CERT, cert.public_bytes(serialization.Encoding.PEM))


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Written whole under a temporary name first, so a crash never leaves half a file."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise TlsError(f"cannot write {path}: {exc.strerror}") from exc
