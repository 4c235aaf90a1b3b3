from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.server import ServerThread
from sms_mocks.testing import ControlClient, Sandbox

pytest_plugins = ["pytester"]


@pytest.fixture
def http(sms_mocks: Sandbox) -> Iterator[httpx.Client]:
    """A real HTTP client on the session emulator's loopback port."""
    with httpx.Client(base_url=sms_mocks.url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def doc_server() -> Iterator[ControlClient]:
    """An emulator of its own with nothing but the built-in accounts (alex/123)."""
    with ServerThread(load(clock="virtual")) as server:
        client = ControlClient(server.url)
        yield client
        client.close()
