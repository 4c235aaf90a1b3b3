"""A persistent sandbox (the image's default) still carries out the transport faults: the
commit-before-answer wrapper must not hide the connection from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import Settings
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

SEND = {"phones": "79991234567", "mes": "hi", "fmt": 1}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(Settings(clock="virtual", data_dir=str(tmp_path))) as running:
        yield running


@pytest.mark.slow
@pytest.mark.parametrize(("action", "error", "match"), [
    ("close", httpx.RemoteProtocolError, "without sending a response"),
    ("reset", httpx.ReadError, "reset"),
])
def test_transport_faults_reach_the_connection(server: ServerThread, action: str,
                                               error: type[Exception], match: str) -> None:
    with http_client(server.url, timeout=5) as http:
        rule = http.post("/_mock/faults", json={"provider": "smsc", "action": action,
                                                "times": 1})
        assert rule.status_code == 201, rule.text
        alex = Smsc(http, ALEX_ACCOUNT)
        with pytest.raises(error, match=match):
            alex.get("send", **SEND)
        assert alex.send(**SEND) == "1,1"  # the next one is answered (id 1: none was kept)
