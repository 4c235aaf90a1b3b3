"""A magic outcome is never a surprise: /_mock/messages and the journal say what chose a
message's fate (a magic number, a "mock:" token, an outcome rule), and point out text that
is UTF-8 read as windows-1251. The magic range can be moved or switched off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sms_mocks.config import Settings
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

PLAIN = "79161234567"
SILENT = "79000000001"


@pytest.fixture
def smsc(sms_mocks: Sandbox, http: httpx.Client) -> Smsc:
    return Smsc(http, sms_mocks.account("smsc", balance="100.00"))


def by_phone(sms_mocks: Sandbox) -> dict[str, dict[str, Any]]:
    return {m["phone"]: m for m in sms_mocks.messages()}


def test_a_magic_number_says_so_in_the_messages_and_the_journal(sms_mocks: Sandbox,
                                                                smsc: Smsc) -> None:
    assert smsc.send(phones=f"{SILENT},{PLAIN}", mes="hello").startswith("OK - 2 SMS")
    messages = by_phone(sms_mocks)
    assert messages[SILENT]["decided_by"] == (
        "magic number 79000000001 (never answered: expires when its validity ends)")
    assert messages[PLAIN]["decided_by"] is None
    [entry] = sms_mocks.journal(endpoint="send.php")
    assert entry["decided_by"] == [messages[SILENT]["decided_by"]]
    assert entry["explanation"] == messages[SILENT]["decided_by"]


def test_a_token_and_a_rule_name_themselves(sms_mocks: Sandbox, smsc: Smsc) -> None:
    rule = sms_mocks.outcome("undelivered", phone="79161234568", err=13)
    smsc.send(phones=PLAIN, mes="hi mock:1006")
    smsc.send(phones="79161234568", mes="hi")
    messages = by_phone(sms_mocks)
    assert messages[PLAIN]["decided_by"] == "the text's mock:1006 (undelivered, err 6)"
    assert messages["79161234568"]["decided_by"] == \
        f"outcome rule {rule.id} (undelivered, err 13)"
    ruled, token = sms_mocks.journal(endpoint="send.php")  # newest first
    assert ruled["decided_by"] == [f"79161234568: outcome rule {rule.id} (undelivered, err 13)"]
    assert token["decided_by"] == [f"{PLAIN}: the text's mock:1006 (undelivered, err 6)"]


def test_a_send_refused_by_a_code_is_explained_as_such(sms_mocks: Sandbox, smsc: Smsc) -> None:
    # 9001 refuses the whole send as a blocked account would; the account is not blocked
    assert smsc.send(phones="79000009001", mes="hi", fmt=3) == \
        '{"error":"message is denied","error_code":6,"id":1}'
    [entry] = sms_mocks.journal(endpoint="send.php")
    assert entry["refused"] is True
    assert entry["explanation"] == ("magic number 79000009001 (the whole send refused): "
                                    "account blocked")
    smsc.send(phones="79000008250", mes="hi")
    refused = sms_mocks.journal(endpoint="send.php")[0]
    assert refused["explanation"] == "magic number 79000008250 (refused on acceptance, err 250)"


def test_utf8_sent_without_its_charset_gets_a_hint(sms_mocks: Sandbox,
                                                   http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    # the bytes of "Ваш код 4821" in UTF-8, read by SMSC as windows-1251 (its default)
    answer = http.get("/sys/send.php", params={"login": account.login,
                                               "psw": account.password, "phones": PLAIN,
                                               "mes": "Ваш код 4821"})
    assert answer.status_code == 200
    [message] = sms_mocks.messages()
    assert message["text"] == "Р’Р°С€ РєРѕРґ 4821"  # faithful: that is what SMSC would show
    assert message["text_hint"] == ("looks like UTF-8 read as windows-1251: send charset=utf-8 "
                                    "(or the provider's own way to say UTF-8) with the request "
                                    "(it reads \"Ваш код 4821\" as UTF-8)")
    [entry] = sms_mocks.journal(endpoint="send.php")
    assert entry["explanation"].startswith("mes looks like UTF-8 read as windows-1251")
    http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                      "phones": PLAIN, "mes": "Ваш код", "charset": "utf-8"})
    assert sms_mocks.messages()[-1]["text_hint"] is None
    assert "explanation" not in sms_mocks.journal(endpoint="send.php")[0]


@pytest.fixture
def moved() -> Iterator[httpx.Client]:
    settings = Settings(clock="virtual", magic_prefix="7999000")
    with ServerThread(settings) as server, httpx.Client(base_url=server.url) as client:
        yield client


@pytest.fixture
def switched_off() -> Iterator[httpx.Client]:
    with ServerThread(Settings(clock="virtual", magic_enabled=False)) as server, \
            httpx.Client(base_url=server.url) as client:
        yield client


def statuses(http: httpx.Client, *phones: str) -> list[tuple[str, int, str | None]]:
    Smsc(http, ALEX_ACCOUNT).send(phones=",".join(phones), mes="hi")
    http.post("/_mock/clock/advance", json={"seconds": 10})
    found = {m["phone"]: m for m in http.get("/_mock/messages").json()["messages"]}
    return [(found[p]["status"], found[p]["err"], found[p]["decided_by"]) for p in phones]


def test_the_magic_range_moves_with_the_configuration(moved: httpx.Client) -> None:
    assert statuses(moved, "79990001006", "79000001006") == [
        ("undelivered", 6, "magic number 79990001006 (undelivered, err 6)"),
        ("delivered", 0, None)]


def test_the_magic_range_can_be_switched_off(switched_off: httpx.Client) -> None:
    assert statuses(switched_off, SILENT) == [("delivered", 0, None)]
