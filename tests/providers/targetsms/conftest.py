from __future__ import annotations

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.targetsms.client import Target


@pytest.fixture
def target(sms_mocks: Sandbox, http: httpx.Client) -> Target:
    account = sms_mocks.account("targetsms", balance="100", senders={
        "Shop": "approved", "Pending": "pending", "79991234567": "approved"},
        limits={"targetsms.duplicate": False})
    return Target(http, account)
