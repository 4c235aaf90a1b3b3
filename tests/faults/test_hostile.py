"""Whatever a client sends while rules read requests to match them, every provider still
answers in its own words: reading the facts never fails a request."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.faults.targets import PATHS
from sms_mocks.testing.sandbox import Sandbox

_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"<data><login>x</login><to number='1'/></data>", b"{\"phones\": [1, {}]}",
                     b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><data/>",
                     b"phones=%FF%FE&mes=%D0&charset=koi8-r&login=",
                     b"<Envelope><Body><send><phones>7999</phones></send></Body></Envelope>"]))
_CONTENT_TYPES = st.sampled_from([None, "application/x-www-form-urlencoded", "text/xml",
                                  "application/json", "multipart/form-data"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(sorted(PATHS)), body=_BODIES, content_type=_CONTENT_TYPES,
       query=st.text(max_size=40))
def test_unreadable_requests_are_answered_by_their_provider(
        sms_mocks: Sandbox, http: httpx.Client, path: str, body: bytes,
        content_type: str | None, query: str) -> None:
    """The fixture fails the test if the emulator counted an internal error."""
    if not sms_mocks.cleanups:  # one rule for every example, needing the request's facts
        sms_mocks.fault(text="never sent by anyone", action="close")
    headers = {"content-type": content_type} if content_type else {}
    response = http.post(path, content=body, headers=headers, params={"q": query,
                                                                       "phones": query})
    assert response.status_code in (200, 500)  # SOAP faults are PHP's 500s
    if response.status_code == 500:
        assert path == "/sys/soap.php" and b"SOAP-ENV:Fault" in response.content
