"""A bug in a command still gets a provider answer, never a traceback, and is counted."""

from __future__ import annotations

import pytest

from sms_mocks.asgi.http import CommandApp
from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc


def boom(call: object) -> str:
    raise RuntimeError("a bug")


@pytest.mark.slow
def test_a_failing_command_answers_in_the_providers_words(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url) as http:
        for route in server.app.router.routes:
            if isinstance(getattr(route, "app", None), CommandApp):
                # The routes are shared by every app in this process: undone after the test.
                monkeypatch.setattr(route.app, "command", boom)
        smsc = Smsc(http, ALEX_ACCOUNT).get("send", phones="79991234567", mes="x", fmt=3)
        pager = http.post("/send.xml", content=b"<data><login>test</login>"
                                               b"<password>123456</password></data>")
        health = http.get("/_mock/health").json()
    assert (smsc.status_code, smsc.text) == (200, '{"error":"parameters error","error_code":1}')
    assert pager.status_code == 200
    assert "<code>500</code>" in pager.text and "Traceback" not in pager.text
    assert health["internal_errors"] == 2
    assert "RuntimeError: a bug" in caplog.text


@pytest.mark.slow
def test_a_failing_soap_operation_is_a_server_fault_and_counted(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from sms_mocks.providers.smsc.soap import operations
    from tests.providers.smsc.soap import HEADERS, envelope, fault

    def broken(caller: object, fields: object) -> dict[str, str]:
        raise RuntimeError("a bug")

    monkeypatch.setitem(operations._HANDLERS, "get_balance", broken)
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url, headers=HEADERS) as http:
        answer = http.post("/sys/soap.php",
                           content=envelope("balance", {"login": "alex", "psw": "123"}))
        health = http.get("/_mock/health").json()
    assert (answer.status_code, answer.content) == (500, fault("Server",
                                                               "Internal Server Error"))
    assert health["internal_errors"] == 1
    assert "a bug" in caplog.text
