"""send.php reads a multipart/form-data POST, as 002 sends files ("передавать методом POST в
теле http-запроса") and SMSC's PHP library posts with cURL: the text parts are parameters, the
file parts attachments; a body that does not parse is an ordinary error, never a crash."""

from __future__ import annotations

import httpx

from mocks.testing import Sandbox
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


def test_a_broken_multipart_body_is_a_missing_login(http: httpx.Client) -> None:
    response = http.post("/sys/send.php?fmt=1", content=b"--x\r\nno headers, no end",
                         headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 200
    assert response.text == "0,-2"


def test_a_multipart_body_without_a_boundary_is_a_missing_login(http: httpx.Client) -> None:
    response = http.post("/sys/send.php?fmt=1", content=b"login=a&psw=b",
                         headers={"content-type": "multipart/form-data"})
    assert response.text == "0,-2"
