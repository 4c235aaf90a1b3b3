"""schemathesis drives every control route its OpenAPI document describes, over real HTTP to
an emulator of its own (conftest's doc_server): whatever the document allows, the answer is
never a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sms_mocks.control.openapi import document
from sms_mocks.control.routes import PATHS
from sms_mocks.testing.sandbox import ControlClient

pytestmark = pytest.mark.slow  # a hypothesis run per control route

schema = schemathesis.openapi.from_dict(document("test", PATHS))

# Long-polls and streams wait at most this long here; their own tests cover their bounds.
SHORT_WAITS = {"/_mock/messages/wait": 0.05, "/_mock/events": 0.05}


def _short(case: schemathesis.Case) -> None:
    cap = SHORT_WAITS.get(case.path)
    if cap is not None:
        timeout = (case.query or {}).get("timeout")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout > cap:
            case.query = {**(case.query or {}), "timeout": cap}


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_control_call_is_a_server_error(case: schemathesis.Case,
                                           doc_server: ControlClient) -> None:
    _short(case)
    response = case.call(base_url=doc_server.url, timeout=10)
    assert response.status_code < 500, response.text
    assert doc_server.health()["internal_errors"] == 0
