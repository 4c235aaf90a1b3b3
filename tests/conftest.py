from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mocks.testing import Sandbox

pytest_plugins = ["pytester"]


@pytest.fixture
def http(sms_mocks: Sandbox) -> Iterator[httpx.Client]:
    """A real HTTP client on the session emulator's loopback port."""
    with httpx.Client(base_url=sms_mocks.url, timeout=10) as client:
        yield client
