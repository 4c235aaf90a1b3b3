"""The fault tests' fixtures: a fresh account's `Gate` for each provider (tests/faults/gates.py)."""

from __future__ import annotations

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.faults.gates import PROVIDERS, Gate, make_gate


@pytest.fixture(params=PROVIDERS)
def gate(request: pytest.FixtureRequest, sms_mocks: Sandbox, http: httpx.Client) -> Gate:
    return make_gate(sms_mocks, http, request.param)


@pytest.fixture
def smsc_gate(sms_mocks: Sandbox, http: httpx.Client) -> Gate:
    return make_gate(sms_mocks, http, "smsc")
