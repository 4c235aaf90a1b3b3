"""Fixtures for the SMS-Pager dialect.

`pager` (and `make_pager` for a chosen balance, stop list or tz) posts XML for a fresh account
on the session's emulator. `doc_pager` is the document's own customer test/123456 on an
emulator of the module's own whose virtual clock starts at 2010-01-15 10:00 Moscow time, so the
2010 dates of the document's examples are still ahead; it is reset before each test. Tests
that move that clock far ahead take `pager_2010`, an emulator of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.providers.smspager.client import START_2010, Pager

SENDERS = {"Magazin": "approved", "SMS-Pager": "approved"}
DOC_ACCOUNT = MockAccount("smspager", "test", "123456")

MakePager = Callable[..., Pager]


@pytest.fixture
def make_pager(sms_mocks: Sandbox, http: httpx.Client) -> MakePager:
    """A Pager for a fresh account: 100.00 on it and the document's senders unless told."""

    def make(**spec: Any) -> Pager:
        spec.setdefault("balance", "100.00")
        spec.setdefault("senders", SENDERS)
        return Pager(http, sms_mocks.account("smspager", **spec))

    return make


@pytest.fixture
def pager(make_pager: MakePager) -> Pager:
    return make_pager()


@pytest.fixture
def clock_now(sms_mocks: Sandbox) -> Callable[[], float]:
    """The session emulator's virtual time, as an epoch timestamp."""
    return lambda: float(sms_mocks.control.call("GET", "/_mock/clock")["timestamp"])


def _check_no_internal_errors(control: ControlClient) -> None:
    errors = control.health()["internal_errors"]
    if errors:
        pytest.fail(f"the emulator hit {errors} internal error(s) during this test",
                    pytrace=False)


@pytest.fixture(scope="module")
def server_2010() -> Iterator[ControlClient]:
    with ServerThread(load(clock="virtual", clock_start=START_2010)) as server:
        control = ControlClient(server.url)
        yield control
        control.close()


@pytest.fixture
def doc_pager(server_2010: ControlClient) -> Iterator[Pager]:
    """test/123456 on the 2010 emulator, reset (messages, accounts) before the test. The
    clock keeps its reading across a reset, so tests on it never advance it."""
    server_2010.call("POST", "/_mock/reset")
    with http_client(server_2010.url, timeout=10) as http:
        yield Pager(http, DOC_ACCOUNT)
    _check_no_internal_errors(server_2010)


@pytest.fixture
def pager_2010() -> Iterator[tuple[Pager, ControlClient]]:
    """test/123456 on an emulator of this test's own, clock at 2010-01-15 10:00 Moscow."""
    with ServerThread(load(clock="virtual", clock_start=START_2010)) as server, \
            http_client(server.url, timeout=10) as http:
        control = ControlClient(server.url)
        yield Pager(http, DOC_ACCOUNT), control
        _check_no_internal_errors(control)
        control.close()
