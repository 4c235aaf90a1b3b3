from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sms_mocks.testing.sandbox import ControlClient, MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.providers.smsc.client import Smsc


@pytest.fixture
def smsc(sms_mocks: Sandbox, http: httpx.Client) -> Smsc:
    return Smsc(http, sms_mocks.account("smsc", balance="100.00"))


@pytest.fixture
def alex(doc_server: ControlClient) -> Iterator[Smsc]:
    """SMSC's documented customer alex/123 on a freshly reset emulator."""
    doc_server.call("POST", "/_mock/reset")
    with http_client(doc_server.url, timeout=10) as http:
        yield Smsc(http, MockAccount("smsc", "alex", "123"))
