"""send.php reads a multipart/form-data POST, as 002 sends files ("передавать методом POST в
теле http-запроса") and SMSC's PHP library posts with cURL: the text parts are parameters, the
file parts attachments; a body that does not parse is an ordinary error, never a crash."""

from __future__ import annotations

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc


def test_text_parts_are_parameters_and_files_are_not(smsc: Smsc, sms_mocks: Sandbox) -> None:
    account = smsc.account
    response = smsc.http.post("/sys/send.php", data={
        "login": account.login, "psw": account.password, "phones": "79161234567",
        "mes": "Привет <file 1>", "fmt": "1", "charset": "utf-8"},
        files={"file1": ("1.jpg", b"\xff\xd8" + b"x" * 200, "image/jpeg")})
    assert response.status_code == 200
    assert response.text.split(",")[1] == "1", response.text
    [message] = sms_mocks.messages()
    assert message["text"] == "Привет <file 1>"


# The login goes in the query (the account's own, so the IP block these errors count towards is
# this test's alone); the password is in a body that does not parse, so it is never read.

def test_a_broken_multipart_body_gives_no_parameters(smsc: Smsc) -> None:
    response = smsc.http.post(f"/sys/send.php?fmt=1&login={smsc.account.login}",
                              content=b"--x\r\nno headers, no end",
                              headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 200
    assert response.text == "0,-2"


def test_a_multipart_body_without_a_boundary_gives_no_parameters(smsc: Smsc) -> None:
    response = smsc.http.post(f"/sys/send.php?fmt=1&login={smsc.account.login}",
                              content=f"psw={smsc.account.password}".encode(),
                              headers={"content-type": "multipart/form-data"})
    assert response.text == "0,-2"


def test_the_journal_and_fault_rules_read_a_multipart_send(smsc: Smsc,
                                                           sms_mocks: Sandbox) -> None:
    account = smsc.account
    sms_mocks.fault(provider="smsc", account=account.login, action="error", code=6, times=1)
    fields = {"login": account.login, "psw": account.password, "phones": "79161234567",
              "mes": "Hi", "fmt": "1"}
    refused = smsc.http.post("/sys/send.php", data=fields, files={"file1": ("a.wav", b"RIFF")})
    assert refused.text == "0,-6"  # the rule matched on the login in the multipart body
    sent = smsc.http.post("/sys/send.php", data=fields, files={"file1": ("a.wav", b"RIFF")})
    assert sent.text.split(",")[1] == "1", sent.text
    [entry, _] = sms_mocks.control.journal(account=account.login)
    assert entry["params"]["phones"] == "79161234567" and entry["login"] == account.login
