"""GET /sys/soap.php?wsdl: the real WSDL, element for element, at this server's address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import ConfigError, load
from sms_mocks.providers.smsc.soap import NAMESPACES
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient
from tests import specs
from tests.helpers.clients import http_client
from tests.providers.smsc.soap import GOLDEN_WSDL, ROOT, canonical, fault, golden_wsdl


@pytest.fixture
def doc_http(doc_server: ControlClient) -> Iterator[httpx.Client]:
    with http_client(doc_server.url, timeout=10) as client:
        yield client


def test_the_served_wsdl_is_the_real_one_element_for_element(
        doc_server: ControlClient, doc_http: httpx.Client) -> None:
    response = doc_http.get("/sys/soap.php?wsdl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    address = f"{doc_server.url}/sys/soap.php"
    assert canonical(response.content) == canonical(golden_wsdl(address))


def test_the_golden_copy_is_the_specs_copy() -> None:
    spec = ROOT.parent / "shared" / "specs" / "smsc-soap.wsdl"
    specs.require(spec)
    assert GOLDEN_WSDL.read_bytes() == Path(spec).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_each_live_namespace_can_be_served(namespace: str) -> None:
    settings = load(clock="virtual", dialect={"smsc.soap_namespace": namespace})
    with ServerThread(settings) as server, \
            http_client(server.url) as doc_http:
        served = doc_http.get("/sys/soap.php", params={"wsdl": ""}).content
        assert canonical(served) == canonical(golden_wsdl(f"{server.url}/sys/soap.php",
                                                          namespace))


def test_the_address_follows_the_host_header(doc_http: httpx.Client) -> None:
    served = doc_http.get("/sys/soap.php?WSDL", headers={"Host": "smsc.test:8443"}).text
    assert 'location="http://smsc.test:8443/sys/soap.php"' in served


@pytest.mark.slow
def test_a_configured_public_url_wins_over_the_host(tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text('public_url = "https://smsc.ru/"\n[smsc]\n'
                      'soap_namespace = "https://smsc.ru/sys/soap.php"\n')
    with ServerThread(load(config, clock="virtual")) as server:
        served = httpx.get(f"{server.url}/sys/soap.php?wsdl").text
    assert 'location="https://smsc.ru/sys/soap.php"' in served
    assert 'targetNamespace="https://smsc.ru/sys/soap.php"' in served


@pytest.mark.parametrize("toml", ['[smsc]\nsoap_namespace = "http://example.com/x"\n',
                                  'public_url = "ftp://smsc.ru"\n', "public_url = 5\n",
                                  '[smsc]\nwsdl = "x"\n'])
def test_bad_soap_settings_are_refused_at_start(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError):
        load(config)


def test_a_get_without_wsdl_gets_phps_fault(doc_http: httpx.Client) -> None:
    response = doc_http.get("/sys/soap.php")
    assert response.status_code == 500
    assert response.content == fault("Server", "Bad Request. Can't find HTTP_RAW_POST_DATA")
