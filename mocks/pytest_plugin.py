"""pytest plugin (entry point `pytest11`): an emulator per session, fresh accounts per test.

    def test_sends(sms_mocks):
        acc = sms_mocks.smsc
        httpx.get(f"{sms_mocks.url}/sys/send.php",
                  params={"login": acc.login, "psw": acc.password, "phones": "79991234567",
                          "mes": "hi"})
        sms_mocks.advance(60)
        assert sms_mocks.messages()[0]["status"] == "delivered"
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sms_mocks.testing import ControlClient, Sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-mocks")
    group.addoption("--sms-mocks-url", default=os.environ.get("SMS_MOCKS_URL"),
                    help="use a running emulator (e.g. a container) instead of starting one; "
                         "it should run with --clock virtual")
    group.addoption("--sms-mocks-token", default=os.environ.get("SMS_MOCKS_CONTROL_TOKEN"),
                    help="the control token of the emulator at --sms-mocks-url, when it is not "
                         "on loopback (a container)")
    group.addoption("--sms-mocks-config", default=os.environ.get("SMS_MOCKS_CONFIG"),
                    help="TOML configuration for the emulator the session starts")


@pytest.fixture(scope="session")
def sms_mocks_server(pytestconfig: pytest.Config) -> Iterator[ControlClient]:
    """The session's emulator: a real uvicorn on a free loopback port, with a virtual clock."""
    external = pytestconfig.getoption("--sms-mocks-url")
    if external:
        client = ControlClient(external, token=pytestconfig.getoption("--sms-mocks-token"))
        yield client
        client.close()
        return
    from sms_mocks.config import load
    from sms_mocks.server import ServerThread

    settings = load(pytestconfig.getoption("--sms-mocks-config"), clock="virtual")
    with ServerThread(settings) as server:
        client = ControlClient(server.url)
        yield client
        client.close()


@pytest.fixture
def sms_mocks(sms_mocks_server: ControlClient) -> Iterator[Sandbox]:
    """A sandbox for one test: fresh accounts, their messages only, and the clock to advance."""
    errors_before = sms_mocks_server.health()["internal_errors"]
    sandbox = Sandbox(sms_mocks_server)
    try:
        yield sandbox
    finally:
        sandbox.close()
    errors_after = sms_mocks_server.health()["internal_errors"]
    if errors_after > errors_before:
        pytest.fail(f"the emulator hit {errors_after - errors_before} internal error(s) during "
                    "this test; its log has the traceback", pytrace=False)


@pytest.fixture
def wait_for_sms(sms_mocks: Sandbox) -> Callable[..., dict[str, Any]]:
    """`wait_for_sms(phone, timeout=10)`: the next SMS the test's accounts send to `phone`,
    returned as soon as the emulator accepts it, with its one-time `code`."""
    return sms_mocks.wait_for_sms
