"""The local CA: made once and reused, a server certificate issued again only when it no
longer fits, never a CA replaced behind the back of whoever trusted it."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sms_mocks.seam.hosts import real_hosts
from sms_mocks.tls import authority
from sms_mocks.tls.files import TlsError, TlsFiles, check
from sms_mocks.tls.options import LOCAL_NAMES

NAMES = [*real_hosts(), *LOCAL_NAMES]


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_the_ca_may_sign_certificates_and_only_for_its_names(tmp_path: Path) -> None:
    files = authority.ensure(tmp_path, NAMES)
    assert files.ca is not None
    ca = load(files.ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign
    permitted = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    assert x509.DNSName("smsc.ru") in (permitted.permitted_subtrees or [])
    leaf = load(files.cert)
    leaf.verify_directly_issued_by(ca)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == [
        "smsc.ru", "www2.smsc.ru", "www3.smsc.ru", "www4.smsc.ru", "www5.smsc.ru", "smsc.ua",
        "transport.sms-pager.com", "sms.targetsms.ru", "localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert check(files) is files


def test_a_second_start_reuses_everything(tmp_path: Path) -> None:
    authority.ensure(tmp_path, NAMES)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    authority.ensure(tmp_path, list(reversed(NAMES)))
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_a_certificate_close_to_expiry_is_issued_again_by_the_same_ca(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authority, "CERT_DAYS", 10)
    authority.ensure(tmp_path, NAMES)
    ca, short = (tmp_path / "ca.pem").read_bytes(), load(tmp_path / "cert.pem")
    monkeypatch.setattr(authority, "CERT_DAYS", 365)
    authority.ensure(tmp_path, NAMES)
    renewed = load(tmp_path / "cert.pem")
    assert (tmp_path / "ca.pem").read_bytes() == ca
    assert renewed.serial_number != short.serial_number
    assert renewed.not_valid_after_utc - dt.datetime.now(dt.UTC) > dt.timedelta(days=300)


def test_a_lost_or_broken_certificate_is_issued_again(tmp_path: Path) -> None:
    authority.ensure(tmp_path, NAMES)
    (tmp_path / "key.pem").write_text("garbage")
    files = authority.ensure(tmp_path, NAMES)
    assert check(files) is files
    (tmp_path / "cert.pem").unlink()
    assert check(authority.ensure(tmp_path, NAMES))


def test_a_name_inside_the_cas_constraints_gets_a_new_certificate(tmp_path: Path) -> None:
    authority.ensure(tmp_path, NAMES)
    files = authority.ensure(tmp_path, [*NAMES, "www6.smsc.ru"])
    leaf = load(files.cert)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "www6.smsc.ru" in names.get_values_for_type(x509.DNSName)


def test_a_name_outside_the_cas_constraints_is_refused_not_a_new_ca(tmp_path: Path) -> None:
    authority.ensure(tmp_path, NAMES)
    ca = (tmp_path / "ca.pem").read_bytes()
    with pytest.raises(TlsError, match=r"was made without sms-mocks; use another --tls-dir"):
        authority.ensure(tmp_path, [*NAMES, "sms-mocks"])
    assert (tmp_path / "ca.pem").read_bytes() == ca


def test_a_broken_ca_is_reported_and_left_alone(tmp_path: Path) -> None:
    authority.ensure(tmp_path, NAMES)
    (tmp_path / "ca-key.pem").write_text("not a key")
    with pytest.raises(TlsError, match=r"cannot read the CA in .*remove ca.pem and ca-key.pem"):
        authority.ensure(tmp_path, NAMES)
    assert (tmp_path / "ca-key.pem").read_text() == "not a key"


@pytest.mark.parametrize("name", ["", "a b", "https://smsc.ru", "*.smsc.ru"])
def test_a_name_that_is_no_host_name_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(TlsError, match=r"is not a host name"):
        authority.ensure(tmp_path, [name])


def test_check_names_what_is_wrong_with_given_files(tmp_path: Path) -> None:
    made = authority.ensure(tmp_path / "made", NAMES)
    other = authority.ensure(tmp_path / "other", NAMES)
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(TlsError, match=r"no such file"):
        check(TlsFiles(tmp_path / "missing.pem", made.key))
    with pytest.raises(TlsError, match=r"junk.pem with .*: a damaged certificate or key"):
        check(TlsFiles(junk, made.key))
    with pytest.raises(TlsError, match=r"key.pem: not a PEM certificate"):
        check(TlsFiles(made.key, made.key))
    with pytest.raises(TlsError, match=r"cert.pem: not a PEM private key"):
        check(TlsFiles(made.cert, made.cert))
    with pytest.raises(TlsError, match=r"other/key.pem is not the key of .*made/cert.pem"):
        check(TlsFiles(made.cert, other.key))
    locked = tmp_path / "locked.pem"
    locked.write_bytes(serialization.load_pem_private_key(made.key.read_bytes(), None)
                       .private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b"secret")))
    with pytest.raises(TlsError, match=r"locked.pem: the key is encrypted"):
        check(TlsFiles(made.cert, locked))


def test_an_international_name_is_issued_as_its_a_label(tmp_path: Path) -> None:
    from sms_mocks.tls import authority

    files = authority.ensure(tmp_path, ["ÿ.example"])
    names = x509.load_pem_x509_certificate(files.cert.read_bytes()).extensions \
        .get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    assert "xn--wda.example" in names
