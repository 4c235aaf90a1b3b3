from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, Sandbox
from tests.helpers.clients import http_client

pytest_plugins = ["pytester"]


@pytest.fixture
def http(sms_mocks: Sandbox) -> Iterator[httpx.Client]:
    """A real HTTP client on the session emulator's loopback port."""
    with http_client(sms_mocks.url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def doc_server() -> Iterator[ControlClient]:
    """An emulator of its own with nothing but the built-in accounts (alex/123)."""
    with ServerThread(load(clock="virtual")) as server:
        client = ControlClient(server.url)
        yield client
        client.close()


@pytest.fixture
def doc_http(doc_server: ControlClient) -> Iterator[httpx.Client]:
    """An HTTP client on `doc_server`, reset for the test (messages, accounts), which must end
    without an internal error. Not `http`: that one is on the session emulator."""
    doc_server.call("POST", "/_mock/reset")
    with http_client(doc_server.url, timeout=10) as client:
        yield client
    assert doc_server.health()["internal_errors"] == 0
