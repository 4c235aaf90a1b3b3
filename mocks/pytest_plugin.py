"""pytest plugin (entry point `pytest11`): an emulator per session, fresh accounts per test.

    def test_sends(sms_mocks):
        acc = sms_mocks.smsc
        httpx.get(f"{sms_mocks.url}/sys/send.php",
                  params={"login": acc.login, "psw": acc.password, "phones": "79991234567",
                          "mes": "hi"})
        sms_mocks.advance(60)
        assert sms_mocks.messages()[0]["status"] == "delivered"

Fixtures: `sms_mocks_settings` (session; override it to configure the emulator the session
starts), `sms_mocks_server` (session; the emulator), `sms_mocks` (a Sandbox per test) and
`wait_for_sms` (that sandbox's wait_for_sms).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sms_mocks.testing.sandbox import ControlClient, Sandbox, SmsMocksServer

if TYPE_CHECKING:
    from sms_mocks.config import Settings


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sms-mocks")
    group.addoption("--sms-mocks-url", default=os.environ.get("SMS_MOCKS_URL"),
                    help="use a running emulator (e.g. a container) instead of starting one; "
                         "it should run with --clock virtual")
    group.addoption("--sms-mocks-token", default=os.environ.get("SMS_MOCKS_CONTROL_TOKEN"),
                    help="the control token of the emulator at --sms-mocks-url, when it is not "
                         "on loopback (a container)")
    group.addoption("--sms-mocks-cacert", default=os.environ.get("SMS_MOCKS_CACERT"),
                    help="the CA to trust for an https:// --sms-mocks-url (default: the "
                         "system's, plus the CA `sms-mocks serve --tls` made on this machine)")
    group.addoption("--sms-mocks-config", default=os.environ.get("SMS_MOCKS_CONFIG"),
                    help="TOML configuration for the emulator the session starts")


@pytest.fixture(scope="session")
def sms_mocks_settings(pytestconfig: pytest.Config) -> Settings | str | os.PathLike[str]:
    """The settings of the emulator the session starts: --sms-mocks-config (if given) with a
    virtual clock. Override this fixture in a conftest.py to set them in code; return a
    `Settings` (`sms_mocks.config.load(path, **overrides)` makes one) or the path of a TOML
    file (its clock made virtual):

        @pytest.fixture(scope="session")
        def sms_mocks_settings():
            return load("tests/sms-mocks.toml", clock="virtual", seed=7)

    Not used when --sms-mocks-url names an emulator already running."""
    from sms_mocks.config import load

    return load(pytestconfig.getoption("--sms-mocks-config"), clock="virtual")


def _settings(given: object) -> Settings:
    from sms_mocks.config import Settings, load

    if isinstance(given, Settings):
        return given
    if isinstance(given, str | os.PathLike):
        return load(Path(given), clock="virtual")
    raise pytest.UsageError("sms_mocks_settings returns a sms_mocks.config.Settings or the path "
                            f"of a TOML file, not {type(given).__name__}")


@pytest.fixture(scope="session")
def sms_mocks_server(request: pytest.FixtureRequest, pytestconfig: pytest.Config
                     ) -> Iterator[SmsMocksServer]:
    """The session's emulator: a real uvicorn on a free loopback port, with a virtual clock
    (see `sms_mocks_settings`), or the one at --sms-mocks-url."""
    external = pytestconfig.getoption("--sms-mocks-url")
    if external:
        client = ControlClient(external, token=pytestconfig.getoption("--sms-mocks-token"),
                               cafile=pytestconfig.getoption("--sms-mocks-cacert"))
        yield SmsMocksServer(client.url, client)
        client.close()
        return
    from sms_mocks.serving.server import ServerThread

    settings = _settings(request.getfixturevalue("sms_mocks_settings"))
    with ServerThread(settings) as server:
        client = ControlClient(server.url, token=settings.control_token)
        yield SmsMocksServer(server.url, client, settings, server.app)
        client.close()


@pytest.fixture
def sms_mocks(sms_mocks_server: SmsMocksServer | ControlClient) -> Iterator[Sandbox]:
    """A sandbox for one test: fresh accounts, their messages only, and the clock to advance.
    What it changed on the shared emulator (fault and outcome rules, the clock's speed) is
    undone when the test ends, and an internal error the emulator hit fails the test."""
    # a conftest may still override sms_mocks_server with a bare ControlClient (0.1's type)
    control = sms_mocks_server.control if isinstance(sms_mocks_server, SmsMocksServer) \
        else sms_mocks_server
    errors_before = control.health()["internal_errors"]
    sandbox = Sandbox(control)
    try:
        yield sandbox
    finally:
        sandbox.close()
    errors_after = control.health()["internal_errors"]
    if errors_after > errors_before:
        pytest.fail(f"the emulator hit {errors_after - errors_before} internal error(s) during "
                    "this test; its log has the traceback", pytrace=False)


@pytest.fixture
def wait_for_sms(sms_mocks: Sandbox) -> Callable[..., dict[str, Any]]:
    """`wait_for_sms(phone, timeout=10)`: the next SMS the test's accounts send to `phone`,
    returned as soon as the emulator accepts it, with its one-time `code`. A fixture: ask for
    it as a test argument (or call `sms_mocks.wait_for_sms`); it is not imported."""
    return sms_mocks.wait_for_sms
