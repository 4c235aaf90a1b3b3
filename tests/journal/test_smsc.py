"""The journal reads SMSC's HTTP requests back: parameters as understood (secrets masked), the
account, the outcome, and for each refusal a near-miss explanation in SMSC's own words."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.providers.smsc.client import Smsc

PHONE = "79991234567"


def send(http: httpx.Client, account: MockAccount, **params: Any) -> str:
    return Smsc(http, account).send(**{"phones": PHONE, "mes": "hi", **params})


def last(sms_mocks: Sandbox) -> dict[str, Any]:
    return sms_mocks.journal(limit=1)[0]


@pytest.mark.slow
def test_an_accepted_send_is_understood_and_its_password_masked(sms_mocks: Sandbox,
                                                                http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="100")
    answer = send(http, account, id="77")
    entry = last(sms_mocks)
    assert answer == "OK - 1 SMS, ID - 77"
    assert {k: entry[k] for k in ("provider", "endpoint", "path", "method", "params", "login",
                                  "account", "status", "answer", "outcome", "refused", "ids")
            } == {
        "provider": "smsc", "endpoint": "send.php", "path": "/sys/send.php", "method": "GET",
        "params": {"login": account.login, "psw": "***", "phones": PHONE, "mes": "hi",
                   "id": "77"},
        "login": account.login, "account": account.login, "status": 200,
        "answer": "OK - 1 SMS, ID - 77", "outcome": "ok", "refused": False, "ids": ["77"]}
    assert "explanation" not in entry
    assert entry["client"] == "127.0.0.1"
    assert entry["at"] == sms_mocks.control.call("GET", "/_mock/clock")["now"]


def test_a_posted_form_in_windows_1251_is_understood(sms_mocks: Sandbox,
                                                      http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    body = f"login={account.login}&psw={account.password}&phones={PHONE}&mes=%CF%F0%E8%E2%E5%F2"
    http.post("/sys/send.php", content=body.encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    entry = last(sms_mocks)
    assert entry["method"] == "POST"
    assert entry["params"]["mes"] == "Привет"


@pytest.mark.parametrize(("params", "explanation"), [
    ({"psw": None}, "missing psw"),
    ({"psw": "wrong"}, "wrong psw for login '{login}'"),
    ({"phones": None}, "missing phones"),
    ({"mes": None}, "missing mes"),
    ({"mes": "x" * 1001}, "mes is 1001 characters; at most 1000"),
    ({"id": "2147483648"},
     "id must be 1..2147483647 or up to 40 of A-Za-z0-9._- (got '2147483648')"),
    ({"valid": "99:99"}, "valid: expected hours 1..24 or hh:mm (got '99:99')"),
    ({"mail": "1", "subj": ""}, "mail=1 needs subj, sender and mes"),
    ({"time": "tomorrow"},
     "time: expected DDMMYYhhmm, DD.MM.YY hh:mm, h1-h2, 0ts or +m (got 'tomorrow')"),
    ({"tz": "13"}, "tz must be -12..12 hours from Moscow (got '13')"),
    ({"sender": "Nobody"}, "sender 'Nobody' is not registered for this account"),
    ({"sender": "Pending"}, "sender 'Pending' is not approved yet (it is pending)"),
    ({"phones": "12"},
     "phones must be 7XXXXXXXXXX or another country's international number (got '12')"),
    ({"phones": "12,34"}, "phones must be 7XXXXXXXXXX or another country's international "
                          "number (got '12') (and 1 more refused)"),
    ({"phones": "79990000001"}, "phones '79990000001' is in the account's stop-list"),
    ({"mes": "buy casino chips"}, "mes contains the banned word 'casino'"),
    ({"phones": "74957271122"}, "phones '74957271122' is a fixed line, which cannot take SMS"),
    ({"phones": "380501234567"},
     "phones '380501234567' is in a direction closed for this account (UA)"),
])
def test_a_refused_send_is_explained(sms_mocks: Sandbox, http: httpx.Client,
                                     params: dict[str, str | None], explanation: str) -> None:
    account = sms_mocks.account("smsc", senders={"SMSC": "approved", "Pending": "pending"},
                                stop_list=["79990000001"], banned_words=["casino"],
                                closed=["UA"])
    base = {"login": account.login, "psw": account.password, "phones": PHONE, "mes": "hi"}
    query = {k: v for k, v in {**base, **params}.items() if v is not None}
    answer = http.get("/sys/send.php", params=query).text
    entry = last(sms_mocks)
    assert answer.startswith("ERROR = ")
    assert entry["refused"] is True
    assert entry["outcome"] == answer.split(", ID")[0].replace("ERROR = ", "error ")
    assert entry["explanation"] == explanation.format(login=account.login)


@pytest.mark.slow
def test_no_money_names_the_balance_and_the_cost(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="0.50")
    assert send(http, account, fmt="3") == '{"error":"no money","error_code":3,"id":1}'
    entry = last(sms_mocks)
    assert entry["outcome"] == "error 3 (no money)"
    assert entry["explanation"] == "balance 0.50 is less than the cost 1.40"


@pytest.mark.slow
def test_an_unknown_login_and_an_api_key(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", api_keys=["secret-key"])
    ghost = f"{account.login}-ghost"
    Smsc(http, MockAccount("smsc", ghost, "x")).send(phones=PHONE, mes="a", fmt="2")
    http.get("/sys/balance.php", params={"apikey": "secret-key"})
    http.get("/sys/balance.php", params={"apikey": "other-key"})
    ghost_entry = sms_mocks.control.journal(provider="smsc", account=ghost)[0]
    assert ghost_entry["outcome"] == "error 2 (authorise error)"
    assert ghost_entry["account"] is None
    assert ghost_entry["explanation"] == f"no account with login '{ghost}'"
    by_key = last(sms_mocks)
    assert by_key["params"] == {"apikey": "***"}
    assert (by_key["account"], by_key["login"], by_key["outcome"]) == (account.login, None, "ok")
    wrong_key = sms_mocks.control.journal(provider="smsc", endpoint="balance.php")[0]
    assert wrong_key["explanation"] == "no account with this apikey"


def test_status_errors(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    creds = {"login": account.login, "psw": account.password}
    http.get("/sys/status.php", params={**creds, "phone": PHONE})
    http.get("/sys/status.php", params={**creds, "id": "1,2", "phone": PHONE})
    http.get("/sys/status.php", params={**creds, "id": "5", "phone": PHONE, "del": "1"})
    entries = sms_mocks.journal(endpoint="status.php")
    assert [e["explanation"] for e in entries] == [
        f"del=1: no message with id '5' and phone '{PHONE}' for this account",
        "id and phone must name as many messages (got 2 id, 1 phone)",
        "missing id",
    ]


def test_a_duplicate_send_names_the_rule(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    send(http, account)
    assert send(http, account) == "ERROR = 9 (duplicate request, wait a minute)"
    assert last(sms_mocks)["explanation"] == (
        "too many identical requests: at most 1 in 60 s (smsc.duplicate_send), or 15 requests "
        "at once")


@pytest.mark.slow
def test_templates_and_ping_errors(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    creds = {"login": account.login, "psw": account.password}
    http.get("/sys/templates.php", params={**creds, "add": "1", "get": "1"})
    http.get("/sys/templates.php", params={**creds, "get": "1"})
    http.get("/sys/templates.php", params={**creds, "del": "1", "id": "42"})
    http.get("/sys/op_templates.php", params={**creds, "get": "1", "msg": "x"})
    http.get("/sys/ping.php", params={**creds, "id": "9"})
    assert [e["explanation"] for e in sms_mocks.journal()] == [
        "no notification group '9' for this account",
        "missing sender",
        "no template with id '42' for this account",
        "this account has no templates",
        "exactly one of add, chg, del, get must be 1 (got 2)",
    ]


def test_the_rest_path(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    http.post("/rest/send/", json={"login": account.login, "psw": account.password,
                                   "phones": [PHONE], "mes": "hi", "sender": "Who"})
    entry = last(sms_mocks)
    assert entry["endpoint"] == "rest/send"
    assert entry["params"]["phones"] == PHONE
    assert entry["explanation"] == "sender 'Who' is not registered for this account"


def test_a_blocked_account_and_the_ip_block(sms_mocks: Sandbox, http: httpx.Client) -> None:
    blocked = sms_mocks.account("smsc", blocked=True)
    assert send(http, blocked) == "ERROR = 6 (message is denied), ID - 1"
    assert last(sms_mocks)["explanation"] == f"account '{blocked.login}' is blocked"
    account = sms_mocks.account("smsc", limits={"smsc.error_block": {"max": 2, "block": 600}})
    for _ in range(3):
        send(http, account, phones="")
    assert send(http, account) == "ERROR = 4 (ip is blocked)"
    assert last(sms_mocks)["explanation"] == (
        f"requests from 127.0.0.1 for '{account.login}' are blocked for 600 s after 2 "
        "erroneous ones in a row (smsc.error_block)")


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "answer"), [
    ("1", "1,-7"),
    ("2", "<result>\n<error>invalid number</error>\n<error_code>7</error_code>\n<id>1</id>\n"
          "</result>"),
    ("3", '{"error":"invalid number","error_code":7,"id":1}'),
])
def test_every_fmt_gives_the_same_outcome(sms_mocks: Sandbox, http: httpx.Client, fmt: str,
                                         answer: str) -> None:
    account = sms_mocks.account("smsc")
    assert send(http, account, phones="12", fmt=fmt, id="") == answer
    entry = last(sms_mocks)
    assert (entry["answer"], entry["outcome"], entry["explanation"]) == (
        answer, "error 7 (invalid number)",
        "phones must be 7XXXXXXXXXX or another country's international number (got '12')")


@pytest.mark.slow
@pytest.mark.parametrize("charset", [None, "utf-8", "koi8-r"])
def test_a_russian_description_is_read_in_the_answers_charset(
        sms_mocks: Sandbox, http: httpx.Client, charset: str | None) -> None:
    account = sms_mocks.account("smsc")
    params = {"login": account.login, "psw": account.password, "del": 1, "id": 999}
    if charset:
        params["charset"] = charset
    answer = http.get("/sys/templates.php", params=params)
    assert answer.content == "ERROR = 3 (Запись не найдена.)".encode(charset or "cp1251")
    entry = last(sms_mocks)
    assert (entry["refused"], entry["outcome"]) == (True, "error 3 (Запись не найдена.)")


def test_a_request_a_fault_rule_took_says_so(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="100")
    rule = sms_mocks.fault(account=account.login, action="error", provider="smsc", code=3,
                           times=1)
    assert send(http, account, fmt=1) == "0,-3"
    entry = last(sms_mocks)
    assert (entry["outcome"], entry["fault"], entry["explanation"]) == (
        "error 3 (no money)", f"{rule.id} (error)", f"fault rule {rule.id} (error)")
    sms_mocks.fault(account=account.login, action="close", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        send(http, account, mes="again")
    assert last(sms_mocks)["status"] == 0  # never answered, and still journaled
