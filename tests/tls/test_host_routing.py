"""Host routing over plain HTTP: a real host's Host header keeps each provider at its own
paths; any other Host serves everything, as before."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.config import load
from sms_mocks.seam import registry
from sms_mocks.seam.hosts import provider_of_host, real_hosts
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client


@pytest.fixture(scope="module")
def own_http() -> Iterator[httpx.Client]:
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url, timeout=10) as client:
        yield client


@pytest.mark.parametrize(("host", "provider"), [
    (b"smsc.ru", "smsc"),
    (b"smsc.ru:443", "smsc"),
    (b"SMSC.RU", "smsc"),
    (b"smsc.ru.", "smsc"),
    (b"www2.smsc.ru:8080", "smsc"),
    (b"smsc.ua", "smsc"),
    (b"sms.targetsms.ru", "targetsms"),
    (b"transport.sms-pager.com:7214", "smspager"),
    (b"localhost:7214", None),
    (b"127.0.0.1", None),
    (b"[::1]:7214", None),
    (b"evil.smsc.ru", None),
    (b"smsc.ru.example", None),
    (b"", None),
    (None, None),
])
def test_provider_of_host(host: bytes | None, provider: str | None) -> None:
    assert provider_of_host(host) == provider


def test_every_real_host_names_a_provider_app_py_groups_by() -> None:
    assert set(registry.host_names().values()) == {"smsc", "smspager", "targetsms"}
    assert len(real_hosts()) == len(registry.host_names()) == 8


BALANCE = "/sys/balance.php?login=alex&psw=123"


def test_a_real_host_serves_its_own_paths_and_no_others(own_http: httpx.Client) -> None:
    assert own_http.get(BALANCE, headers={"Host": "smsc.ru"}).status_code == 200
    assert own_http.get(BALANCE, headers={"Host": "SMSC.ru:80"}).status_code == 200
    for host in ("sms.targetsms.ru", "transport.sms-pager.com:7214"):
        answer = own_http.get(BALANCE, headers={"Host": host})
        assert (answer.status_code, answer.text) == (404, "Not Found")
    answer = own_http.get("/sendsms.php?balance=1", headers={"Host": "www2.smsc.ru"})
    assert (answer.status_code, answer.text) == (404, "Not Found")


def test_a_wrong_method_on_another_providers_host_is_404_not_405(own_http: httpx.Client) -> None:
    # (GET is served on SMS-Pager's paths, as an empty document; PUT is nobody's method)
    assert own_http.put("/send.xml").status_code == 405  # the emulator's own answer on localhost
    assert own_http.put("/send.xml", headers={"Host": "smsc.ua"}).status_code == 404
    assert own_http.put("/send.xml", headers={"Host": "transport.sms-pager.com"}).status_code == 405


def test_other_hosts_serve_every_provider_and_the_control_plane_is_everywhere(
        own_http: httpx.Client) -> None:
    for host in ("localhost", "127.0.0.1:7214", "sms-mocks", "[::1]"):
        assert own_http.get(BALANCE, headers={"Host": host}).status_code == 200
        assert own_http.get("/sendsms.php", headers={"Host": host}).status_code == 200
    for host in (*real_hosts(), "localhost"):
        assert own_http.get("/_mock/health", headers={"Host": host}).json()["status"] == "ok"


def test_the_wsdl_address_follows_host_and_scheme(own_http: httpx.Client) -> None:
    wsdl = own_http.get("/sys/soap.php?wsdl", headers={"Host": "smsc.ua"}).text
    assert '<soap:address location="http://smsc.ua/sys/soap.php"/>' in wsdl


def test_many_distinct_host_headers_do_not_grow_the_memo() -> None:
    from sms_mocks.seam import hosts

    for n in range(2000):
        assert provider_of_host(f"h{n}.example:{n}".encode()) is None
    assert len(hosts._SEEN) <= hosts._SEEN_MAX
    assert provider_of_host(b"smsc.ru:443") == "smsc"


@pytest.mark.slow
@given(st.binary(max_size=300))
def test_any_host_header_is_read_without_raising(host: bytes) -> None:
    assert provider_of_host(host) in (None, "smsc", "smspager", "targetsms")
