"""DELETE /_mock/accounts/{provider}/{login}: what `sms-mocks conformance` uses to leave a
shared sandbox as it found it. The account goes, its messages with it, on disk too."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, Sandbox


def _send(http: httpx.Client, login: str, password: str, text: str = "bye") -> None:
    answer = http.get("/sys/send.php", params={"login": login, "psw": password, "fmt": 3,
                                               "phones": "79991234567", "mes": text})
    assert "error" not in answer.json(), answer.text


def test_an_account_goes_with_its_messages(sms_mocks: Sandbox, http: httpx.Client) -> None:
    gone, kept = sms_mocks.account("smsc"), sms_mocks.account("smsc")
    _send(http, gone.login, gone.password)
    _send(http, kept.login, kept.password)
    answer = http.delete(f"/_mock/accounts/smsc/{gone.login}",
                         headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()) == (200, {"removed": 1, "messages": 1})
    logins = [a["login"] for a in http.get("/_mock/accounts").json()["accounts"]]
    assert gone.login not in logins and kept.login in logins
    assert sms_mocks.control.messages(account=gone.login) == []
    assert len(sms_mocks.control.messages(account=kept.login)) == 1
    _send(http, kept.login, kept.password, "again")  # the store is whole: sends go on
    again = http.delete(f"/_mock/accounts/smsc/{gone.login}",
                        headers={"Content-Type": "application/json"})
    assert (again.status_code, again.json()) == (404, {"error": "no such account"})


@pytest.mark.slow
def test_a_removed_account_stays_removed_after_a_restart(tmp_path: Path) -> None:
    settings = load(clock="virtual", data_dir=str(tmp_path))
    with ServerThread(settings) as server, httpx.Client(base_url=server.url) as http:
        sandbox = Sandbox(ControlClient(server.url))
        gone = sandbox.account("smsc")
        _send(http, gone.login, gone.password)
        deleted = http.delete(f"/_mock/accounts/smsc/{gone.login}",
                              headers={"Content-Type": "application/json"})
        assert deleted.status_code == 200
        sandbox.control.close()
    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server:
        control = ControlClient(server.url)
        logins = [a["login"] for a in control.call("GET", "/_mock/accounts")["accounts"]]
        assert gone.login not in logins and "alex" in logins
        assert control.messages() == []
        control.close()
