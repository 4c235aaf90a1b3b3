"""sendsms.php: every answer and every error text of 001, byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.providers.targetsms import texts
from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client
from tests.providers.targetsms.client import Target


def test_send_answers_the_message_id(target: Target, sms_mocks: Sandbox) -> None:
    answer = target.send(name_delivery="Акция")
    [message] = sms_mocks.messages()
    assert answer == str(message["id"])
    assert (message["phone"], message["text"], message["sender"], message["comment"]) == (
        "79161234567", "Привет", "Shop", "Акция")


def test_several_numbers_answer_comma_separated_ids(target: Target, sms_mocks: Sandbox) -> None:
    answer = target.send(dadr="79161234567,+79011234567,89261234567")
    ids = [str(m["id"]) for m in sms_mocks.messages()]
    assert answer == ",".join(ids)
    assert len(ids) == 3


def test_statuses_follow_the_clock(target: Target, sms_mocks: Sandbox) -> None:
    ok, failed, absent, silent = target.send(
        dadr="79161234567,79000001001,79000001006,79000000001").split(",")
    assert [target(smsid=i) for i in (ok, failed, absent, silent)] == ["send"] * 4
    sms_mocks.advance(6)
    assert [target(smsid=i) for i in (ok, failed, absent, silent)] == [
        "deliver", "not_deliver", "expired", "send"]
    sms_mocks.advance(24 * 3600)
    assert target(smsid=silent) == "partly_deliver"


def test_detail_is_php_serialized_in_the_documents_order(target: Target,
                                                         sms_mocks: Sandbox) -> None:
    sms_id = target.send(text="я" * 71)
    assert target(smsid=sms_id, detail=1) == (
        f'a:5:{{s:6:"id_sms";i:{sms_id};s:17:"time_change_state";s:0:"";'
        's:9:"state_sms";s:4:"send";s:9:"num_parts";i:2;s:5:"price";d:1.4;}')
    sms_mocks.advance(6)
    [message] = sms_mocks.messages()
    changed = datetime.fromisoformat(message["status_at"].replace("Z", "+00:00")).astimezone(
        timezone(timedelta(hours=3))).strftime("%Y-%m-%d %H:%M:%S")  # Moscow time
    assert target(smsid=sms_id, detail=1) == (
        f'a:5:{{s:6:"id_sms";i:{sms_id};s:17:"time_change_state";s:19:"{changed}";'
        's:9:"state_sms";s:7:"deliver";s:9:"num_parts";i:2;s:5:"price";d:1.4;}')


@pytest.mark.external
def test_php_unserialize_reads_the_detail(target: Target, sms_mocks: Sandbox) -> None:
    php = shutil.which("php")
    if php is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have php-cli (.ci/run installs it)")
        pytest.skip("php is not installed")
    sms_id = target.send()
    sms_mocks.advance(6)
    serialized = target(smsid=sms_id, detail=1)
    script = ('$a = unserialize(stream_get_contents(STDIN)); '
              'foreach ($a as $k => $v) { echo $k, "=", gettype($v), ":", $v, "\\n"; }')
    result = subprocess.run([php, "-r", script], input=serialized.encode(), capture_output=True,
                            timeout=30, check=True)
    lines = result.stdout.decode().splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "id_sms", "time_change_state", "state_sms", "num_parts", "price"]
    assert lines[0] == f"id_sms=integer:{sms_id}"
    assert lines[1].startswith("time_change_state=string:20")
    assert lines[2:] == ["state_sms=string:deliver", "num_parts=integer:1", "price=double:1.4"]


def test_balance_line_and_package_line(sms_mocks: Sandbox, http) -> None:
    target = Target(http, sms_mocks.account("targetsms", balance="445.6", packages={
        "Россия": 361, "МТС": 1, "Остальные": 1}))
    assert target(balance=1) == "445.6 RUR\nРоссия:361,МТС:1,Остальные:1"


def test_the_built_in_account_answers_the_documents_balance(doc_server) -> None:

    with http_client(doc_server.url) as http:
        doc_server.call("POST", "/_mock/reset")
        body = http.get("/sendsms.php", params={"user": "demo", "pwd": "demo",
                                                "balance": "1"}).text
    assert body == ("445.6 RUR\nРоссия:361,МТС:1,Мегафон:1,Skylink:1,Yota:1,Байкалвестком:1,"
                    "Уралсвязьинформ:1,Енисейтелеком:1,НСС:1,Мотив:1,Tele2:1,СМАРТС:1,"
                    "Ростелеком:1,BeeLine:1,Остальные:1")


def test_balance_falls_by_the_cost_of_each_send(target: Target) -> None:
    target.send(text="я" * 71)
    assert target(balance=1) == "97.2 RUR"


# every error text, by the condition that reaches it ---------------------------------------
@pytest.mark.parametrize(("params", "error"), [
    ({"text": ""}, texts.NO_TEXT),
    ({"dadr": ""}, texts.NO_NUMBER),
    ({"dadr": "abc"}, texts.NO_NUMBER),
    ({"sadr": ""}, texts.NO_SENDER),
    ({"sadr": "ABCDEFGHIJKL"}, texts.SENDER_TOO_LONG),
    ({"sadr": "7999123456789012"}, texts.SENDER_TOO_LONG),
    ({"sadr": "Nobody"}, texts.UNKNOWN_SENDER),
    ({"sadr": "Pending"}, texts.SENDER_NOT_MODERATED),
    ({"dadr": "+7 916 123-45-678"}, texts.NUMBER_TOO_LONG),
    ({"dadr": "74957271122"}, texts.CLOSED),
    ({"dadr": "4915112345678"}, texts.CLOSED),
    ({"text": "Перейдите по {link}"}, texts.NO_LINK),
])
def test_error_texts_for_the_request(target: Target, params: dict[str, str],
                                     error: str) -> None:
    assert target.send(**params) == error


def test_a_link_is_put_into_the_text(target: Target, sms_mocks: Sandbox) -> None:
    target.send(text="Перейдите по {link}", link="https://x.ru/a")
    assert sms_mocks.messages()[0]["text"] == "Перейдите по https://x.ru/a"


@pytest.mark.parametrize(("account", "params", "error"), [
    ({"stop_list": ["79161234567"]}, {}, texts.STOP_LIST),
    ({"closed": ["RU"]}, {}, texts.CLOSED_FOR_YOU),
    ({"closed": ["МТС"]}, {}, texts.CLOSED_FOR_YOU),
    ({"banned_words": ["казино"]}, {"text": "Лучшее КАЗИНО"}, texts.TEXT_REJECTED),
    ({"balance": "1"}, {}, texts.NO_FUNDS),
    ({"packages": {"Мегафон": 5}}, {}, texts.PLATFORM_OUT),
    ({"packages": {"МТС": 1, "Россия": 0}}, {"text": "я" * 71}, texts.PACKAGE_OUT),
    ({"blocked": True}, {}, texts.BLOCKED),
])
def test_error_texts_for_the_account(sms_mocks: Sandbox, http, account: dict[str, object],
                                     params: dict[str, str], error: str) -> None:
    target = Target(http, sms_mocks.account("targetsms", senders={"Shop": "approved"},
                                            **account))
    assert target.send(**params) == error
    assert sms_mocks.messages() == []


def test_packages_pay_most_specific_first_and_run_out(sms_mocks: Sandbox, http) -> None:
    target = Target(http, sms_mocks.account("targetsms", senders={"Shop": "approved"},
                                            packages={"МТС": 1, "Россия": 1}))
    target.send(text="one")
    target.send(text="two")
    assert target(balance=1).endswith("\nМТС:0,Россия:0")
    assert target.send(text="three") == texts.PACKAGE_OUT


def test_every_documented_error_text_is_reachable() -> None:
    """Each text of 001 appears in the tests above (or the duplicate test below)."""
    source = Path(__file__).read_text(encoding="utf-8")
    names = [name for name in dir(texts) if getattr(texts, name) in texts.ALL]
    assert all(f"texts.{name}" in source for name in names), names
    assert len(texts.ALL) == 17


def test_the_same_request_twice_in_a_minute(sms_mocks: Sandbox, http) -> None:
    target = Target(http, sms_mocks.account("targetsms", senders={"Shop": "approved"}))
    first = target.send()
    assert target.send() == texts.DUPLICATE
    sms_mocks.advance(60)
    assert target.send() not in (first, texts.DUPLICATE)


def test_wrong_password_and_unknown_message(target: Target) -> None:
    """The platform's words (targetsms-json-xml.md): the login error as a request error line,
    like 001's duplicate one; the unknown id bare, in place of the status word."""
    assert target(pwd="nope", balance=1) == "error: Неправильный логин или пароль"
    assert target(user="nobody", smsid="1") == "error: Неправильный логин или пароль"
    assert target(smsid="999999999") == "Сообщение с таким ID не принималось"
    assert target(smsid="abc") == "Сообщение с таким ID не принималось"
    assert target(smsid="999999999", detail=1) == "Сообщение с таким ID не принималось"
    assert (texts.AUTH, texts.NOT_FOUND) == ("error: Неправильный логин или пароль",
                                             "Сообщение с таким ID не принималось")


def test_post_form_and_a_url_over_2000_characters(target: Target, sms_mocks: Sandbox) -> None:
    text = "Длинный текст " * 60
    assert len(str(target.raw(sadr="Shop", dadr="79161234567", text=text).url)) > 2000
    assert sms_mocks.messages()[0]["text"] == text
    posted = target.http.post("/sendsms.php", data={
        "user": target.account.login, "pwd": target.account.password, "sadr": "Shop",
        "dadr": "79161234567", "text": "posted"})
    assert posted.text == str(sms_mocks.messages()[-1]["id"])


NGINX_413 = (b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n"
             b"<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n"
             b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


@pytest.mark.slow
def test_a_body_over_the_limit_is_nginxs_413_not_a_php_text(target: Target,
                                                            sms_mocks: Sandbox) -> None:
    # No source has TargetSMS words for it: the nginx in front of PHP refuses such a body
    posted = target.http.post("/sendsms.php", data={
        "user": target.account.login, "pwd": target.account.password, "sadr": "Shop",
        "dadr": "79161234567", "text": "x" * (256 * 1024)})
    assert (posted.status_code, posted.headers["content-type"], posted.content) == (
        413, "text/html", NGINX_413)
    assert sms_mocks.messages() == []
    entry = sms_mocks.control.journal(provider="targetsms", limit=1)[0]
    assert (entry["outcome"], entry["explanation"]) == (
        "413 Request Entity Too Large",
        "the request is over 262144 bytes (or took over 10 s to arrive)")


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["user", "pwd", "sadr", "dadr", "text", "smsid",
                                        "detail", "balance", "name_delivery", "link"])
                       | st.text(max_size=8), st.text(max_size=40), max_size=8),
       st.booleans())
def test_no_query_gets_a_500_or_a_traceback(target: Target, params: dict[str, str],
                                            logged_in: bool) -> None:
    base = {"user": target.account.login, "pwd": target.account.password} if logged_in else {}
    response = target.http.get("/sendsms.php", params={**base, **params})
    assert response.status_code == 200
    assert response.text and "Traceback" not in response.text
