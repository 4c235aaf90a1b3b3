"""SOAP calls in the journal: the operation, its elements, and errors explained like HTTP's."""

from __future__ import annotations

from xml.sax.saxutils import escape

import httpx

from sms_mocks.testing.sandbox import Sandbox

NS = "http://smsc.ru/sys/soap.php"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def call(http: httpx.Client, operation: str, **fields: str) -> httpx.Response:
    children = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    body = (f'<soap-env:Envelope xmlns:soap-env="{ENV}"><soap-env:Body>'
            f'<ns0:{operation} xmlns:ns0="{NS}">{children}</ns0:{operation}>'
            "</soap-env:Body></soap-env:Envelope>")
    return http.post("/sys/soap.php", content=body.encode(),
                     headers={"Content-Type": "text/xml; charset=utf-8"})


def test_soap_calls_are_understood_and_explained(sms_mocks: Sandbox,
                                                 http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="100")
    creds = {"login": account.login, "psw": account.password}
    call(http, "send", **creds, phones="79991234567", mes="hi", id="5")
    call(http, "send", **creds, phones="79991234567", mes="hi", sender="Ghost")
    call(http, "status", **creds, phone="79991234567", id="404")
    call(http, "balance", login=account.login, psw="bad")
    balance, status, refused, sent = sms_mocks.journal()
    assert (sent["endpoint"], sent["params"], sent["outcome"], sent["ids"]) == (
        "send_sms", {**creds, "psw": "***", "phones": "79991234567", "mes": "hi", "id": "5"},
        "ok", ["5"])
    assert (refused["outcome"], refused["explanation"]) == (
        "error 6", "sender 'Ghost' is not registered for this account")
    assert (status["outcome"], status["explanation"]) == (
        "error 3", "no message with id '404' and phone '79991234567' for this account")
    assert (balance["outcome"], balance["explanation"]) == (
        "error 2", f"wrong psw for login '{account.login}'")


def test_a_fault_is_refused_without_an_account(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    response = http.post("/sys/soap.php", content=b"<not-soap",
                         headers={"Content-Type": "text/xml"})
    assert response.status_code == 500
    # Tests on one server run one at a time: the newest unreadable call is this one.
    entry = sms_mocks.control.journal(provider="smsc", endpoint="soap", limit=1)[0]
    assert entry["refused"] is True
    assert entry["outcome"].startswith("fault: ")
    assert entry["account"] is None
    assert account.login not in str(entry)


def test_a_successful_call_is_ok_though_its_result_carries_error_0(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="100")
    answer = call(http, "balance", login=account.login, psw=account.password)
    assert "<error>0</error>" in answer.text
    [entry] = sms_mocks.journal()
    assert (entry["endpoint"], entry["outcome"], entry["refused"]) == ("get_balance", "ok", False)
