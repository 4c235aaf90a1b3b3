"""The shared test helpers do what the tests rely on."""

from __future__ import annotations

import socket
from itertools import count

import pytest

from tests.helpers.clients import http_client
from tests.helpers.polling import at_least, eventually
from tests.helpers.ports import free_port


def test_eventually_returns_the_first_result_that_holds() -> None:
    calls = count(1)
    assert eventually(lambda: next(calls), lambda n: n >= 3, interval=0) == 3
    assert next(calls) == 4  # no call after the one that held


def test_eventually_fails_with_what_it_last_saw() -> None:
    with pytest.raises(AssertionError, match=r"the sink did not hold within 0.05 s; "
                                             r"last seen: \[1, 2\]"):
        eventually(lambda: [1, 2], at_least(3), timeout=0.05, interval=0.01, what="the sink")


def test_a_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        assert sock.getsockname()[1] == port


def test_clients_share_one_ssl_context() -> None:
    with http_client("http://127.0.0.1:1") as one, http_client("http://127.0.0.1:2",
                                                                timeout=3) as two:
        assert one.timeout.read == 10 and two.timeout.read == 3
        assert one._transport._pool._ssl_context is two._transport._pool._ssl_context
