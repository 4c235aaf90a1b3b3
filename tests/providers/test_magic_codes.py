"""Every magic code gives its documented outcome in all three providers: sent through each
provider's own send API to +7 900 000 ABBB (or with "mock:ABBB" in the text), read back through
that provider's own status API, as docs/outcomes.md's table says."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc
from tests.providers.smsc.soap import HEADERS, envelope
from tests.providers.smspager.client import Pager, field

DAY = 24 * 3600.0
PLAIN = "79161234567"

# code: (seconds to advance, SMSC (status, err), SMS-Pager detail group, TargetSMS word)
OUTCOMES: dict[str, tuple[float, tuple[int, int], str, str]] = {
    "0000": (10, (1, 0), "delivered", "deliver"),
    "0001": (DAY + 60, (3, 0), "notDelivered", "partly_deliver"),
    "0002": (3 * DAY, (0, 0), "enqueued", "send"),
    "0003": (20, (2, 0), "delivered", "deliver"),
    "1001": (10, (20, 1), "notDelivered", "not_deliver"),
    "1006": (10, (20, 6), "notDelivered", "expired"),
    "1255": (10, (20, 255), "notDelivered", "not_deliver"),
    "2000": (0, (1, 0), "delivered", "deliver"),
    "2030": (30, (1, 0), "delivered", "deliver"),
    "3001": (0, (1, 0), "delivered", "deliver"),  # the status read itself delivers it
}

NO_FUNDS_TS = ("Недостаточно средств для отправки SMS. SMS будет отправлена как только вы "
               "пополните счет по данному направлению.")
# code: (SMSC send error_code, SMS-Pager (code, colSendAbonent), TargetSMS answer)
REFUSALS: dict[str, tuple[int, tuple[str, str | None], str]] = {
    "8248": (8, ("1", "0"), "Данное направление закрыто."),
    "8249": (7, ("1", "0"), "Укажите номер телефона."),
    "8250": (8, ("1", "0"), "Данное направление закрыто."),
    "8251": (8, ("1", "0"), "Данное направление закрыто."),
    "9001": (6, ("501", None), "Аккаунт заблокирован."),
    "9002": (6, ("504", None), "Такого отправителя Нет."),
    "9003": (6, ("504", None), "Отправитель не прошел модерацию."),
    "9004": (6, ("1", "0"), "Текст SMS отклонен модератором."),
    "9005": (3, ("1", "0"), NO_FUNDS_TS),
    "9006": (3, ("1", "0"), "У нас закончились SMS. Для разрешения проблемы свяжитесь с "
                            "менеджером."),
    "9007": (3, ("1", "0"), "Закончились SMS."),
    "9008": (7, ("1", "0"), "Укажите номер телефона."),
    "9009": (8, ("1", "0"), "Данное направление закрыто."),
}


class Driver:
    """One provider's send and status APIs, for one fresh account."""

    def send(self, phone: str, text: str) -> Any: ...
    def status(self, handle: Any, phone: str) -> object: ...
    def refusal(self, phone: str, text: str) -> object: ...


class SmscDriver(Driver):
    def __init__(self, sandbox: Sandbox, http: httpx.Client) -> None:
        self.api = Smsc(http, sandbox.account("smsc", balance="100.00"))

    def _send(self, phone: str, text: str) -> dict[str, Any]:
        return json.loads(self.api.send(phones=phone, mes=text, fmt=3))  # type: ignore[no-any-return]

    def send(self, phone: str, text: str) -> Any:
        answer = self._send(phone, text)
        assert "error" not in answer, answer
        return answer["id"]

    def status(self, handle: Any, phone: str) -> object:
        answer = json.loads(self.api.status(id=handle, phone=phone, fmt=3))
        return (answer["status"], answer.get("err", 0))

    def refusal(self, phone: str, text: str) -> object:
        return self._send(phone, text)["error_code"]


class PagerDriver(Driver):
    def __init__(self, sandbox: Sandbox, http: httpx.Client) -> None:
        self.api = Pager(http, sandbox.account("smspager", balance="100.00",
                                               senders={"Magazin": "approved"}))

    def send(self, phone: str, text: str) -> Any:
        answer = self.api.send(text, phone, source="Magazin")
        assert field(answer, "code") == "1" and field(answer, "colSendAbonent") == "1", answer
        return field(answer, "smsid")

    def status(self, handle: Any, phone: str) -> object:
        answer = self.api.report(smsid=handle)
        [group] = [path.split("/")[1] for path, value in answer
                   if path.startswith("detail/") and path.endswith("/number") and value == phone]
        return group

    def refusal(self, phone: str, text: str) -> object:
        answer = dict(self.api.send(text, phone, source="Magazin"))
        return (answer["code"], answer.get("colSendAbonent"))


class TargetDriver(Driver):
    def __init__(self, sandbox: Sandbox, http: httpx.Client) -> None:
        account = sandbox.account("targetsms", balance="100", senders={"Shop": "approved"},
                                  limits={"targetsms.duplicate": False})
        self.http, self.auth = http, {"user": account.login, "pwd": account.password}

    def _call(self, **params: str) -> str:
        response = self.http.get("/sendsms.php", params={**self.auth, **params})
        assert response.status_code == 200
        return response.content.decode("utf-8")

    def send(self, phone: str, text: str) -> Any:
        answer = self._call(sadr="Shop", dadr=phone, text=text)
        assert answer.isdigit(), answer
        return answer

    def status(self, handle: Any, phone: str) -> object:
        return self._call(smsid=handle)

    def refusal(self, phone: str, text: str) -> object:
        return self._call(sadr="Shop", dadr=phone, text=text)


DRIVERS = {"smsc": SmscDriver, "smspager": PagerDriver, "targetsms": TargetDriver}
EXPECTED_INDEX = {"smsc": 1, "smspager": 2, "targetsms": 3}


def _cases(by: str) -> list[Any]:
    return [pytest.param(provider, code, by, id=f"{provider}-{by}-{code}")
            for code in OUTCOMES for provider in DRIVERS]


@pytest.mark.parametrize(("provider", "code", "by"), _cases("number") + _cases("token"))
def test_each_magic_code_gives_its_outcome(sms_mocks: Sandbox, http: httpx.Client,
                                           provider: str, code: str, by: str) -> None:
    driver = DRIVERS[provider](sms_mocks, http)
    phone, text = (f"7900000{code}", "hello") if by == "number" else (PLAIN, f"hi mock:{code}")
    handle = driver.send(phone, text)
    row = OUTCOMES[code]
    sms_mocks.advance(row[0])
    assert driver.status(handle, phone) == row[EXPECTED_INDEX[provider]]


@pytest.mark.parametrize("by", ["number", "token"])
@pytest.mark.parametrize("code", list(REFUSALS))
@pytest.mark.parametrize("provider", list(DRIVERS))
def test_each_refusal_code_gives_the_providers_own_error(
        sms_mocks: Sandbox, http: httpx.Client, provider: str, code: str, by: str) -> None:
    driver = DRIVERS[provider](sms_mocks, http)
    phone, text = (f"7900000{code}", "hello") if by == "number" else (PLAIN, f"hi mock:{code}")
    smsc, pager, target = REFUSALS[code]
    expected = {"smsc": smsc, "smspager": pager, "targetsms": target}[provider]
    assert driver.refusal(phone, text) == expected
    assert sms_mocks.messages(provider=provider, status="queued") == []


def test_the_number_beats_the_token(sms_mocks: Sandbox, http: httpx.Client) -> None:
    driver = SmscDriver(sms_mocks, http)
    handle = driver.send("79000001006", "mock:0000 and mock:1001")
    sms_mocks.advance(10)
    assert driver.status(handle, "79000001006") == (20, 6)


def test_a_token_that_is_not_four_digits_is_plain_text(sms_mocks: Sandbox,
                                                        http: httpx.Client) -> None:
    driver = SmscDriver(sms_mocks, http)
    handle = driver.send(PLAIN, "mock:10060 mock:106 mock:")
    sms_mocks.advance(10)
    assert driver.status(handle, PLAIN) == (1, 0)


def test_seconds_codes_are_not_early(sms_mocks: Sandbox, http: httpx.Client) -> None:
    driver = SmscDriver(sms_mocks, http)
    handle = driver.send("79000002030", "x")
    sms_mocks.advance(29.9)
    assert driver.status(handle, "79000002030") == (0, 0)
    sms_mocks.advance(0.1)
    assert driver.status(handle, "79000002030") == (1, 0)


@pytest.mark.parametrize("provider", list(DRIVERS))
def test_poll_codes_count_status_reads(sms_mocks: Sandbox, http: httpx.Client,
                                       provider: str) -> None:
    driver = DRIVERS[provider](sms_mocks, http)
    handle = driver.send("79000003003", "x")
    sms_mocks.advance(3600)  # time alone never reports it
    first, second, third = (driver.status(handle, "79000003003") for _ in range(3))
    sent = OUTCOMES["0002"][EXPECTED_INDEX[provider]]
    delivered = OUTCOMES["0000"][EXPECTED_INDEX[provider]]
    assert (first, second, third) == (sent, sent, delivered)


def test_soap_get_status_reads_count_as_polls(sms_mocks: Sandbox, http: httpx.Client) -> None:
    driver = SmscDriver(sms_mocks, http)
    handle = driver.send("79000003002", "x")
    sms_mocks.advance(10)  # with the operator
    account = driver.api.account
    call = envelope("status", {"login": account.login, "psw": account.password,
                                   "phone": "79000003002", "id": str(handle)})
    first = http.post("/sys/soap.php", content=call, headers=HEADERS)
    second = http.post("/sys/soap.php", content=call, headers=HEADERS)
    assert b"<status>0</status>" in first.content, first.text
    assert b"<status>1</status>" in second.content, second.text
    assert driver.status(handle, "79000003002") == (1, 0)  # and status.php agrees
