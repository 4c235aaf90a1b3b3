"""Values a client or a config may send that once broke things: each now gets a clear answer."""

from __future__ import annotations

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc


@pytest.mark.parametrize(("params", "answer"), [
    ({"time": "0" + "9" * 20}, "0,-5"),
    ({"time": "0" + "9" * 400}, "0,-5"),
    ({"time": "+" + "9" * 30}, "0,-5"),
    ({"time": "10-12", "tz": "50"}, "0,-5"),
    ({"time": "0101300000", "tz": "-99"}, "0,-5"),
    ({"id": "²"}, "0,-1"),
    ({"valid": "²"}, "0,-1"),
    ({"fmt": "²", "cost": "²"}, None),
])
def test_smsc_odd_values_are_answered_not_crashed(sms_mocks: Sandbox, http: httpx.Client,
                                                  params: dict[str, str],
                                                  answer: str | None) -> None:
    # The sms_mocks fixture fails the test if any of these is an internal error.
    smsc = Smsc(http, sms_mocks.account("smsc"))
    base = {"phones": "79991234567", "mes": "x", "fmt": "1", "charset": "utf-8"}
    body = smsc.send(**{**base, **params})
    if answer is not None:
        assert body == answer


HUGE = "9" * 5000  # past Python's int() digit limit: int() alone would raise


@pytest.mark.parametrize(("command", "params", "answer"), [
    ("send", {"phones": "79991234567", "mes": "x", "fmt": HUGE}, "OK - 1 SMS"),
    ("send", {"phones": "79991234567", "mes": "x", "maxsms": HUGE, "translit": HUGE,
              "cost": HUGE, "tz": "1" + HUGE}, "ERROR = 5"),
    ("send", {"phones": "79991234567", "mes": "x", "call": "1", "param": f"20,{HUGE},3"},
     "OK - 1 SMS"),
    ("send", {"phones": "79991234567", "mes": "x", "period": HUGE, "freq": HUGE}, "ERROR = 1"),
    ("status", {"id": HUGE, "phone": "79991234567", "all": HUGE}, "Status = -3"),
    ("templates", {"get": "1", "id": HUGE}, "ERROR = 3"),
    ("templates", {"del": HUGE, "id": "1"}, "ERROR = 1"),
    ("op_templates", {"get": "1", "mts_srv": HUGE}, "ERROR = 1"),
    ("ping", {"id": HUGE, "ok": HUGE}, "ERROR = 3"),
    ("senders", {"get": HUGE, "all": HUGE}, "ERROR = 1"),
])
def test_smsc_thousand_digit_numbers_are_answered(sms_mocks: Sandbox, http: httpx.Client,
                                                  command: str, params: dict[str, str],
                                                  answer: str) -> None:
    smsc = Smsc(http, sms_mocks.account("smsc"))
    assert smsc.text(command, **params).startswith(answer)
    if command == "send":  # the same through /rest/send/, whose answer is fmt=3's
        response = http.post("/rest/send/", json={"login": smsc.account.login,
                                                  "psw": smsc.account.password, **params,
                                                  "phones": "79991234568"})
        assert response.status_code == 200
        assert ("error" in response.json()) == answer.startswith("ERROR")


def test_smspager_datetime_out_of_range_is_503(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smspager", senders={"Magazin": "approved"})
    body = (f"<data><login>{account.login}</login><password>{account.password}</password>"
            "<text>x</text><datetime>0001-01-01 00:00:00</datetime>"
            "<to number='79161234567'></to></data>")
    assert "<code>503</code>" in http.post("/send.xml", content=body.encode()).text


@pytest.mark.parametrize(("spec", "error"), [
    ({"blocked": "false"}, "blocked must be true or false"),
    ({"tz": 30}, "tz must be"),
    ({"password": None}, "password must be a string"),
    ({"stop_list": "79991234567"}, "stop_list must be a list of strings"),
    ({"packages": {"МТС": 1.5}}, "package 'МТС' must be a whole number"),
    ({"limits": {"smsc.error_block": {"max": "3"}}}, "max has the wrong type"),
])
def test_account_specs_of_the_wrong_type_are_refused(http: httpx.Client,
                                                     spec: dict[str, object],
                                                     error: str) -> None:
    response = http.post("/_mock/accounts", json={"provider": "smsc", "login": "typed", **spec})
    assert response.status_code == 400
    assert error in response.json()["error"]


def test_the_clock_cannot_pass_the_year_9999(http: httpx.Client) -> None:
    for seconds in ("NaN", "Infinity", "1e15"):
        response = http.post("/_mock/clock/advance", content=f'{{"seconds": {seconds}}}')
        assert response.status_code == 400
    assert http.get("/_mock/health").status_code == 200
