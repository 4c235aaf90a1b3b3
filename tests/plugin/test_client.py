"""The control client goes where its URL says and tells a refusal by its status (issue 24,
bug 3): https with the emulator's CA, https's own port, a path prefix; the status read before
the body; a 408 known by its code, not by the words of the error."""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_mocks import ControlError, WaitTimeout
from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, Sandbox
from sms_mocks.tls import authority
from tests.plugin.stub import Stub, stub_server


@pytest.fixture
def stub() -> Iterator[Stub]:
    with stub_server() as server:
        yield server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An emulator serving HTTPS only, as `serve --tls` does, with a CA of its own."""
    files = authority.ensure(tmp_path_factory.mktemp("tls"), ["localhost", "127.0.0.1"])
    assert files.ca is not None
    with ServerThread(load(clock="virtual"), tls=files) as server:
        yield server.url, files.ca


def test_an_https_emulator_is_reached_with_its_ca(tls_server: tuple[str, Path]) -> None:
    url, ca = tls_server
    assert url.startswith("https://")
    client = ControlClient(url, cafile=ca)
    try:
        assert client.health()["status"] == "ok"
        sandbox = Sandbox(client)
        assert sandbox.smspager.provider == "smspager"
    finally:
        client.close()


def test_an_https_emulator_is_reached_with_a_given_context(tls_server: tuple[str, Path]
                                                           ) -> None:
    url, ca = tls_server
    client = ControlClient(url, ssl_context=ssl.create_default_context(cafile=str(ca)))
    try:
        assert client.health()["status"] == "ok"
    finally:
        client.close()


def test_an_untrusted_certificate_is_refused(tls_server: tuple[str, Path]) -> None:
    url, _ = tls_server
    client = ControlClient(url, ssl_context=ssl.create_default_context())
    with pytest.raises(ssl.SSLError):
        client.health()
    client.close()


def test_https_without_a_port_goes_to_443(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, int]] = []

    class Refusing:
        """Where the client connects, and a refusal (nothing real is asked)."""

        def __init__(self, host: str, port: int, **options: object) -> None:
            assert isinstance(options["context"], ssl.SSLContext)
            self.address = (host, port)

        def request(self, *args: object, **kwargs: object) -> None:
            asked.append(self.address)
            raise ConnectionRefusedError("not here")

        def close(self) -> None:
            pass

    monkeypatch.setattr(http.client, "HTTPSConnection", Refusing)
    with pytest.raises(ControlError) as refused:
        ControlClient("https://sms-mocks.example").health()
    assert asked == [("sms-mocks.example", 443)] * 2  # tried, and retried once
    assert refused.value.status == 0 and "no answer" in refused.value.message


@pytest.mark.slow
def test_a_path_prefix_is_kept(stub: Stub) -> None:
    stub.plan(200, b'{"status": "ok"}')
    stub.plan(200, b'{"messages": []}')
    client = ControlClient(stub.url + "/sms/")
    assert client.health() == {"status": "ok"}
    assert client.messages(phone="79991234567") == []
    assert stub.paths == ["/sms/_mock/health", "/sms/_mock/messages?phone=79991234567"]
    client.close()


@pytest.mark.slow
def test_the_status_is_read_before_the_body(stub: Stub) -> None:
    stub.plan(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
    client = ControlClient(stub.url)
    with pytest.raises(ControlError) as refused:
        client.health()
    assert refused.value.status == 502
    assert "502 Bad Gateway" in refused.value.message
    client.close()


@pytest.mark.slow
def test_an_answer_that_is_not_json_is_a_control_error(stub: Stub) -> None:
    stub.plan(200, b"<html>a captive portal</html>", "text/html")
    client = ControlClient(stub.url)
    with pytest.raises(ControlError, match="not a JSON answer"):
        client.health()
    client.close()


@pytest.mark.slow
def test_json_that_is_not_an_object_is_a_control_error(stub: Stub) -> None:
    # a route that answers an object is read as one: other JSON (a proxy's, say) is refused
    # here, by its path, rather than failing later as a KeyError in the caller
    stub.plan(200, b'["not", "an", "object"]')
    client = ControlClient(stub.url)
    with pytest.raises(ControlError, match="not a JSON object") as refused:
        client.advance(5)
    assert refused.value.path == "/_mock/clock/advance"
    client.close()


@pytest.mark.slow
def test_a_408_is_known_by_its_status_not_its_words(stub: Stub) -> None:
    sandbox = Sandbox(ControlClient(stub.url))
    # a 400 whose words happen to hold ": 408 " is no timeout
    stub.plan(400, b'{"error": "phone: 408 is not a phone number"}')
    with pytest.raises(ControlError) as refused:
        sandbox.wait_for_sms("408")
    assert not isinstance(refused.value, TimeoutError)
    assert (refused.value.status, refused.value.message) == (
        400, "phone: 408 is not a phone number")
    # a proxy's 408 page, not JSON at all, is one
    stub.plan(408, b"<html>Request Timeout</html>", "text/html")
    with pytest.raises(TimeoutError) as timed_out:
        sandbox.wait_for_sms("79991234567", timeout=1)
    assert isinstance(timed_out.value, WaitTimeout) and timed_out.value.status == 408
    assert "no SMS to 79991234567 within 1 s" in str(timed_out.value)
    sandbox.close()


def test_a_url_that_is_not_http_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        ControlClient("ftp://127.0.0.1:21")
