"""Any query string and any body sent to send.php, status.php and balance.php gets a
well-formed SMSC answer in the requested fmt: never a 500, never a traceback."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc

pytestmark = pytest.mark.slow  # long hypothesis runs

KNOWN = ["login", "psw", "apikey", "phones", "mes", "id", "sender", "time", "tz", "valid",
         "translit", "maxsms", "cost", "op", "err", "list", "charset", "all", "del", "phone",
         "cur", "hlr", "mail", "bin", "call", "bot", "tg", "subj", "fileurl", "viber", "voice",
         "param", "period", "freq", "add", "chg", "get", "name", "msg", "format", "fl[1]",
         "mts_srv", "soc", "host", "info", "ok"]
GOOD_VALUES = ["79991234567", "79000000001", "8-901-123-45-67", "+7(901) 123-45 67", "1", "2",
               "050A0307056048656C6C6F", "20,10,3", "w2", "0.5", "sms",
               "3", "0", "-1", "01:30", "+5", "0101120000", "9-21", "utf-8", "koi8-r",
               "windows-1251", "G777", "1,2,", "79991234567,", "Hello!\n~~~\nc", "__HLR__",
               "a" * 1200, "я" * 80]
JUNK = ["%", "%zz", "&&", "==", "=", "+", "%00", "%FF%FE", "a=b=c", "%E0%A4", "&=&"]

names = st.one_of(st.sampled_from(KNOWN),
                  st.text(max_size=12).filter(lambda n: n.strip() not in ("fmt", "")))
values = st.one_of(st.sampled_from(GOOD_VALUES), st.text(max_size=40),
                   st.binary(max_size=40))


def _encode(value: str | bytes) -> str:
    return quote_from_bytes(value) if isinstance(value, bytes) else quote(value, safe="")


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = [f"{_encode(n)}={_encode(v)}" for n, v in draw(st.lists(st.tuples(names, values),
                                                                    max_size=8))]
    parts += draw(st.lists(st.sampled_from(JUNK), max_size=3))
    return "&".join(draw(st.permutations(parts)))


bodies = st.one_of(st.none(), queries().map(str.encode), st.binary(max_size=300))
content_types = st.sampled_from([None, "application/x-www-form-urlencoded", "application/json",
                                 "multipart/form-data; boundary=x", "text/xml"])


def assert_well_formed(response: httpx.Response, fmt: int) -> None:
    assert response.status_code == 200
    charset = response.headers["content-type"].split("charset=")[1]
    text = response.content.decode({"windows-1251": "cp1251"}.get(charset, charset))
    assert text
    assert "Traceback" not in text
    if text == "OK":  # del=1 answers a bare OK in every fmt
        return
    if fmt == 3:
        assert isinstance(json.loads(text), dict | list)
    elif fmt == 2:
        etree.fromstring(text.encode("utf-8"))
    else:
        assert not text.startswith(("{", "<"))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["send", "status", "balance", "templates", "op_templates",
                                "ping", "senders"]), query=queries(),
       fmt=st.sampled_from([None, 0, 1, 2, 3]), logged_in=st.booleans(),
       method=st.sampled_from(["GET", "POST"]), body=bodies, content_type=content_types)
def test_any_request_gets_a_well_formed_answer(
        smsc: Smsc, sms_mocks: Sandbox, command: str, query: str, fmt: int | None,
        logged_in: bool, method: str, body: bytes | None, content_type: str | None) -> None:
    prefix = f"login={smsc.account.login}&psw={smsc.account.password}&" if logged_in else ""
    suffix = f"&fmt={fmt}" if fmt is not None else ""
    headers = {"content-type": content_type} if content_type else {}
    response = smsc.http.request(method, f"/sys/{command}.php?{prefix}{query}{suffix}",
                                 content=body if method == "POST" else None, headers=headers)
    assert_well_formed(response, fmt or 0)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                           | st.text(max_size=20) | st.sampled_from(GOOD_VALUES),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(KNOWN) | st.text(max_size=8), JSON_VALUES,
                            max_size=8), logged_in=st.booleans(), raw=st.binary(max_size=60))
def test_rest_send_answers_any_body_in_json(smsc: Smsc, data: dict[str, object],
                                            logged_in: bool, raw: bytes) -> None:
    if logged_in:
        data = {**data, "login": smsc.account.login, "psw": smsc.account.password}
    for body in (json.dumps(data).encode(), raw):
        response = smsc.http.post("/rest/send/", content=body)
        assert response.status_code == 200
        assert isinstance(json.loads(response.content), dict)


def test_the_server_still_answers_after_the_fuzzing(smsc: Smsc) -> None:
    assert smsc.balance() == "100.00"
