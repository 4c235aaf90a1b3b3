"""A persistent sandbox (the image's default) still carries out the transport faults: the
commit-before-answer wrapper must not hide the connection from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import Settings
from sms_mocks.server import ServerThread

SEND = "/sys/send.php?login=alex&psw=123&phones=79991234567&mes=hi&fmt=1"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(Settings(clock="virtual", data_dir=str(tmp_path))) as running:
        yield running


@pytest.mark.parametrize(("action", "error", "match"), [
    ("close", httpx.RemoteProtocolError, "without sending a response"),
    ("reset", httpx.ReadError, "reset"),
])
def test_transport_faults_reach_the_connection(server: ServerThread, action: str,
                                               error: type[Exception], match: str) -> None:
    with httpx.Client(base_url=server.url, timeout=5) as http:
        rule = http.post("/_mock/faults", json={"provider": "smsc", "action": action,
                                                "times": 1})
        assert rule.status_code == 201, rule.text
        with pytest.raises(error, match=match):
            http.get(SEND)
        assert http.get(SEND).text == "1,1"  # the next one is answered (id 1: none was kept)
