"""`sms-mocks serve --tls`: real host names over verified HTTPS on loopback, as a client with a
hard-coded `https://smsc.ru/sys/` sees them through a hosts entry."""

from __future__ import annotations

import json
import re
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.tls.files import TlsFiles
from tests.helpers.ports import free_port
from tests.tls.resolving import client, serving

PAGER_BALANCE = (b"<?xml version='1.0' encoding='UTF-8'?><data><login>test</login>"
                 b"<password>123456</password></data>")


def send(text: str) -> str:
    """send.php's URL path; each test its own text, as a repeated send is refused as a
    duplicate."""
    return f"/sys/send.php?login=alex&psw=123&phones=79991234567&mes={text}&fmt=3"



@dataclass
class Served:
    port: int  # stands in for 443
    pager_port: int  # stands in for SMS-Pager's 7214
    tls_dir: Path
    lines: list[str]

    @property
    def ca(self) -> Path:
        return self.tls_dir / "ca.pem"

    def entries(self) -> dict[tuple[str, int], int]:
        """The hosts entries of a machine pointing every real host at the emulator."""
        names = ("smsc.ru", "www2.smsc.ru", "smsc.ua", "sms.targetsms.ru", "localhost",
                 "transport.sms-pager.com", "not-a-provider.example")
        return {**{(name, 443): self.port for name in names},
                ("transport.sms-pager.com", 7214): self.pager_port}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tls_dir = tmp_path_factory.mktemp("tls")
    port, pager_port = free_port(), free_port()
    with serving("--tls", "--port", str(port), "--tls-port", str(pager_port),
                 "--tls-dir", str(tls_dir)) as (process, ready):
        assert process.stdout is not None
        lines = [ready, process.stdout.readline(), process.stdout.readline()]
        yield Served(port, pager_port, tls_dir, lines)


@pytest.fixture
def https(served: Served) -> Iterator[httpx.Client]:
    with client(served.ca, served.entries()) as http:
        yield http


@pytest.mark.slow
def test_send_php_at_smsc_ru_verifies_against_the_generated_ca(served: Served,
                                                                https: httpx.Client) -> None:
    answer = https.get(f"https://smsc.ru{send('verified')}")
    assert answer.status_code == 200
    sent = answer.json()
    assert sent["cnt"] == 1
    status = https.get(f"https://smsc.ru/sys/status.php?login=alex&psw=123&phone=79991234567"
                       f"&id={sent['id']}&fmt=3").json()
    assert status["status"] in (-1, 0)  # queued: the virtual clock has not moved
    # The control plane answers on the provider's host as well.
    assert https.get("https://smsc.ru/_mock/health").json()["status"] == "ok"


def test_the_ready_lines_name_the_https_urls_and_the_ca(served: Served) -> None:
    ready, names, ca = served.lines
    assert (f"at https://127.0.0.1:{served.port}, https://127.0.0.1:{served.pager_port} "
            f"(control API: https://127.0.0.1:{served.port}/_mock/") in ready
    assert f"inbox: https://127.0.0.1:{served.port}/_mock/ui/" in ready
    assert names.startswith("TLS: certificate for smsc.ru, www2.smsc.ru,")
    assert "transport.sms-pager.com, sms.targetsms.ru, localhost, 127.0.0.1, ::1" in names
    assert f"TLS: signed by the local CA {served.ca};" in ca
    assert oct(served.ca.with_name("ca-key.pem").stat().st_mode & 0o777) == "0o600"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_resolve_and_cacert(served: Served) -> None:
    result = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "--resolve", f"smsc.ru:{served.port}:127.0.0.1",
         "--cacert", str(served.ca), f"https://smsc.ru:{served.port}{send('curl')}"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cnt"] == 1


def test_each_provider_answers_at_its_real_url(https: httpx.Client) -> None:
    balance = https.get("https://www2.smsc.ru/sys/balance.php?login=alex&psw=123").text
    assert re.fullmatch(r"\d+\.\d\d", balance)
    wsdl = https.get("https://smsc.ua/sys/soap.php?wsdl").text
    assert '<soap:address location="https://smsc.ua/sys/soap.php"/>' in wsdl
    rest = https.post("https://smsc.ru/rest/send/",
                      json={"login": "alex", "psw": "123", "phones": "79991234567",
                            "mes": "hi"})
    assert rest.json()["cnt"] == 1
    assert "445.6" in https.get(
        "https://sms.targetsms.ru/sendsms.php?user=demo&pwd=demo&balance=1").text
    pager = https.post("https://transport.sms-pager.com:7214/balance.xml",
                       content=PAGER_BALANCE)
    assert b"<code>1</code>" in pager.content
    assert b"<account>1000" in pager.content


@pytest.mark.parametrize(("url", "method"), [
    ("https://smsc.ru/sendsms.php?user=demo&pwd=demo&balance=1", "GET"),
    ("https://smsc.ru/send.xml", "POST"),
    ("https://smsc.ru/send.xml", "GET"),  # 404 as on the real host, not the emulator's 405
    ("https://sms.targetsms.ru" + send("not-found"), "GET"),
    ("https://transport.sms-pager.com:7214/sys/soap.php?wsdl", "GET"),
    ("https://transport.sms-pager.com:7214/sendsms.php?balance=1", "GET"),
])
def test_another_providers_path_is_not_found_on_a_real_host(https: httpx.Client, url: str,
                                                             method: str) -> None:
    answer = https.request(method, url)
    assert (answer.status_code, answer.text) == (404, "Not Found")


def test_localhost_serves_every_provider(https: httpx.Client) -> None:
    assert https.get(f"https://localhost{send('localhost')}").json()["cnt"] == 1
    pager = https.post("https://localhost/balance.xml", content=PAGER_BALANCE)
    assert b"<code>1</code>" in pager.content


def test_the_certificate_does_not_verify_for_a_name_it_was_not_issued_for(
        https: httpx.Client) -> None:
    with pytest.raises(httpx.ConnectError, match=r"CERTIFICATE_VERIFY_FAILED|match"):
        https.get(f"https://not-a-provider.example{send('wrong-name')}")


@pytest.mark.slow
def test_restart_reuses_the_ca_and_certificate_and_mixes_plain_with_https(
        served: Served) -> None:
    before = {name: (served.tls_dir / name).read_bytes() for name in
              ("ca.pem", "ca-key.pem", "cert.pem", "key.pem")}
    plain, secure = free_port(), free_port()
    with serving("--port", str(plain), "--tls-port", str(secure),
                 "--tls-dir", str(served.tls_dir)) as (process, ready), \
            client(served.ca, {("smsc.ru", 443): secure}) as https:
        assert f"at http://127.0.0.1:{plain}, https://127.0.0.1:{secure} " in ready
        sent = https.get(f"https://smsc.ru{send('mixed')}").json()
        # One emulator behind both listeners: the plain one sees what came in over HTTPS.
        seen = httpx.get(f"http://127.0.0.1:{plain}/_mock/messages/{sent['id']}")
        assert seen.status_code == 200
        # Each listener's WSDL points back at itself, scheme included.
        assert f'location="http://127.0.0.1:{plain}/sys/soap.php"' in httpx.get(
            f"http://127.0.0.1:{plain}/sys/soap.php?wsdl").text
        assert 'location="https://smsc.ru/sys/soap.php"' in https.get(
            "https://smsc.ru/sys/soap.php?wsdl").text
        # Both servers stop on one SIGTERM, cleanly, and soon, though the HTTPS client still
        # holds an idle connection that will never answer the server's close_notify.
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 3
        assert process.stderr is not None
        # nothing on stderr but the request log's lines (no shutdown error, no traceback)
        logged = process.stderr.read().splitlines()
        assert [line.split()[1:3] for line in logged] == [
            ["smsc", "send.php"], ["smsc", "wsdl"], ["smsc", "wsdl"]], logged
    after = {name: (served.tls_dir / name).read_bytes() for name in before}
    assert after == before


@pytest.mark.slow
def test_given_certificate_and_key_are_served_as_is(tmp_path: Path) -> None:
    cert, key = tmp_path / "given.pem", tmp_path / "given-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=smsc.ru",
                    "-addext", "subjectAltName=DNS:smsc.ru", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=30)
    port = free_port()
    with serving("--tls", "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)
                 ) as (process, ready), client(cert, {("smsc.ru", 443): port}) as https:
        assert f"at https://127.0.0.1:{port} " in ready
        assert process.stdout is not None
        assert process.stdout.readline() == f"TLS: serving {cert} with {key}\n"
        assert https.get("https://smsc.ru/sys/balance.php?login=alex&psw=123").text == "1000.00"
        served = ssl.get_server_certificate(("127.0.0.1", port))
    assert ssl.PEM_cert_to_DER_cert(served) == ssl.PEM_cert_to_DER_cert(cert.read_text())
    assert not (tmp_path / "ca.pem").exists()


@pytest.mark.slow
def test_server_thread_serves_https_for_in_process_tests(served: Served) -> None:
    files = TlsFiles(cert=served.tls_dir / "cert.pem", key=served.tls_dir / "key.pem")
    with ServerThread(load(clock="virtual"), tls=files) as server:
        assert server.url.startswith("https://127.0.0.1:")
        port = int(server.url.rsplit(":", 1)[1])
        with client(served.ca, {("sms.targetsms.ru", 443): port}) as https:
            assert "445.6" in https.get(
                "https://sms.targetsms.ru/sendsms.php?user=demo&pwd=demo&balance=1").text


@pytest.mark.slow
def test_the_health_check_follows_sms_mocks_tls(served: Served) -> None:
    """The image's HEALTHCHECK (`sms-mocks health`, no URL) reaches an HTTPS server when
    SMS_MOCKS_TLS is set, as the container's serve is then HTTPS."""
    from sms_mocks.cli import main

    files = TlsFiles(cert=served.tls_dir / "cert.pem", key=served.tls_dir / "key.pem")
    with ServerThread(load(clock="virtual"), tls=files) as server:
        port = server.url.rsplit(":", 1)[1]
        assert main(["health"], {"SMS_MOCKS_PORT": port, "SMS_MOCKS_TLS": "1"}) == 0
        assert main(["health", "--timeout", "2"], {"SMS_MOCKS_PORT": port}) == 1  # http://
