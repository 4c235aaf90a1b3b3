"""SMS-Pager's XML requests in the journal: the <data> fields and numbers, codes explained."""

from __future__ import annotations

import httpx
import pytest

from sms_mocks.testing.sandbox import MockAccount, Sandbox


def post(http: httpx.Client, path: str, account: MockAccount | None, inner: str,
         password: str | None = None) -> str:
    creds = ""
    if account is not None:
        creds = (f"<login>{account.login}</login>"
                 f"<password>{password if password is not None else account.password}"
                 "</password>")
    return http.post(path, content=f"<data>{creds}{inner}</data>".encode()).text


def test_an_accepted_send(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smspager")
    post(http, "/send.xml", account, '<text>hi</text><to number="79991234567"/>')
    entry = sms_mocks.journal()[0]
    assert (entry["provider"], entry["endpoint"], entry["params"], entry["account"],
            entry["outcome"], entry["refused"]) == (
        "smspager", "send.xml",
        {"login": account.login, "password": "***", "text": "hi", "to": ["79991234567"]},
        account.login, "ok", False)
    assert entry["ids"] == [sms_mocks.messages()[0]["ext_id"]]


@pytest.mark.parametrize(("path", "inner", "outcome", "explanation"), [
    ("/send.xml", "<text>hi</text>", "500", 'missing <to number="...">'),
    ("/send.xml", '<to number="79991234567"/>', "500",
     "missing text (a <to> without its own text needs one)"),
    ("/send.xml", '<text>hi</text><to number="79991234567"/><vp>0</vp>', "500",
     "vp must be a number of seconds above 0 (got '0')"),
    ("/send.xml", '<action>later</action>', "500", "action must be send or check (got 'later')"),
    ("/send.xml", '<smsid>' + "1" * 22 + '</smsid>', "502", "smsid is 22 characters; at most 21"),
    ("/send.xml", '<text>hi</text><to number="79991234567"/><datetime>soon</datetime>', "503",
     "datetime: expected yyyy-mm-dd HH:MM:SS in the account's time (got datetime 'soon')"),
    ("/report.xml", "<start>yesterday</start>", "503",
     "start and stop: expected yyyy-mm-dd or yyyy-mm-dd HH:MM:SS (got start 'yesterday')"),
    ("/send.xml", '<text>hi</text><source>Ghost</source><to number="79991234567"/>', "504",
     "source 'Ghost' is not registered for this account"),
    ("/cancel.xml", "", "500", "missing smsid"),
])
def test_refusals_are_explained(sms_mocks: Sandbox, http: httpx.Client, path: str, inner: str,
                                outcome: str, explanation: str) -> None:
    account = sms_mocks.account("smspager")
    answer = post(http, path, account, inner)
    entry = sms_mocks.journal()[0]
    assert f"<code>{outcome}</code>" in answer
    assert entry["refused"] is True
    assert entry["outcome"].split(" ")[0] == outcome
    assert entry["explanation"] == explanation


def test_wrong_password_and_unreadable_xml(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smspager")
    post(http, "/balance.xml", account, "", password="nope")
    assert sms_mocks.journal()[0]["explanation"] == f"wrong password for login '{account.login}'"
    assert sms_mocks.journal()[0]["outcome"] == "501 (Неверная пара логин/пароль)"
    http.post("/balance.xml", content=b"<data><login>x</login")
    entry = sms_mocks.control.journal(provider="smspager", limit=1)[0]
    assert (entry["outcome"], entry["explanation"]) == (
        "700 (Ошибка парсера XML документа)",
        "документ не является корректным XML")


def test_a_send_nothing_could_go_to_says_why(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smspager", balance="0")
    answer = post(http, "/send.xml", account, '<text>hi</text><to number="79991234567"/>')
    entry = sms_mocks.journal()[0]
    assert "<code>1</code>" in answer and "<colSendAbonent>0</colSendAbonent>" in answer
    assert (entry["outcome"], entry["refused"]) == ("ok", False)
    assert entry["explanation"] == "balance 0.00 is less than the cost 1.40"
