"""A provider is one package: a toy one, written to a temporary folder and registered, is
served, journaled, faulted, listed, shown in the inbox and counted in the metrics, with no file
of the emulator touched (ARCHITECTURE.md's checklist is what its package holds)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.seam import registry
from sms_mocks.serving.server import ServerThread
from tests.architecture.toy.package import FILES, write

MOCKS = Path(__file__).resolve().parents[2] / "mocks"


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[str]:
    write(tmp_path, "toy_sms_provider")
    sys.path.insert(0, str(tmp_path))
    try:
        provider = importlib.import_module("toy_sms_provider.provider").PROVIDER
        registry.register(provider)
        yield provider.name
    finally:
        registry.unregister("toy")
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("toy_sms_provider")]:
            del sys.modules[name]


@pytest.fixture
def served(toy: str) -> Iterator[httpx.Client]:
    with ServerThread(load(clock="virtual")) as server, \
            httpx.Client(base_url=server.url) as http:
        yield http


def send(http: httpx.Client, to: str = "79991234567", password: str = "toy") -> str:
    return http.get("/toy/send", params={"user": "kid", "pass": password, "to": to,
                                         "text": "Your code is 4821"}).text


def test_the_toy_is_served_journaled_listed_and_counted(served: httpx.Client) -> None:
    http = served
    assert send(http) == "OK 1"
    assert send(http, password="wrong") == "ERR 1"
    [message] = http.get("/_mock/messages", params={"provider": "toy"}).json()["messages"]
    assert (message["provider"], message["account"], message["phone"], message["code"]) == (
        "toy", "kid", "79991234567", "4821")
    refused, sent = http.get("/_mock/journal", params={"provider": "toy"}).json()["entries"]
    assert (sent["endpoint"], sent["outcome"], sent["ids"], sent["account"]) == (
        "send", "ok", ["1"], "kid")
    assert (refused["outcome"], refused["explanation"], refused["params"]["pass"]) == (
        "ERR 1", "no toy account 'kid' with that pass", "wrong")  # not a secret name to it
    metrics = http.get("/_mock/metrics").text
    assert 'provider="toy",endpoint="send",outcome="ok"} 1' in metrics
    assert 'provider="toy",endpoint="send",outcome="ERR 1"} 1' in metrics
    inbox = http.get("/_mock/ui/").text
    assert '<option value="toy">Toy SMS</option>' in inbox


def test_the_toy_takes_fault_rules_on_what_its_requests_are_about(
        served: httpx.Client) -> None:
    http = served
    rule = http.post("/_mock/faults", json={"provider": "toy", "phone": "79990000002",
                                            "action": "error", "code": 2}).json()
    assert send(http, to="79991234567") == "OK 1"  # another number: the rule does not fire
    assert send(http, to="79990000002") == "ERR 2"
    entry = http.get("/_mock/journal", params={"provider": "toy"}).json()["entries"][0]
    assert (entry["outcome"], entry["fault"]) == ("ERR 2", f"{rule['id']} (error)")
    assert http.post("/_mock/faults", json={"provider": "toy", "action": "error",
                                            "code": 3}).status_code == 400  # not its code


def test_its_host_its_accounts_and_its_limits_come_from_its_package(
        served: httpx.Client) -> None:
    http = served
    assert http.get("/toy/send", headers={"Host": "smsc.ru"}).status_code == 404
    assert http.get("/sys/balance.php", headers={"Host": "sms.toy.test"}).status_code == 404
    assert send(http) == "OK 1"  # kid/toy is its declared default account
    rule = http.get("/_mock/accounts/toy/kid/limits").json()["limits"]["toy.sends"]
    assert (rule["max"], rule["window"], rule["overridden"]) == (100, 60, False)


def test_the_package_is_only_the_checklists_files() -> None:
    assert sorted(FILES) == ["__init__.py", "endpoint.py", "provider.py"]
    checklist = (MOCKS.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "To add a provider" in checklist
