"""senders.php (FACTS B.6; smscentre.com's "Managing sender names"): get=1 lists the account's
approved sender names in every fmt; all=1 every name; anything else is error 1."""

from __future__ import annotations

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc

SENDERS = {"SMSC": "approved", "Shop": "approved", "Later": "pending", "No": "rejected"}

LISTS = {
    0: "sender = SMSC\nsender = Shop",
    1: "SMSC\nShop",
    2: "<result>\n<sender>\n<sender>SMSC</sender>\n</sender>\n"
       "<sender>\n<sender>Shop</sender>\n</sender>\n</result>",
    3: '[{"sender":"SMSC"},{"sender":"Shop"}]',
}


@pytest.fixture
def shop(sms_mocks: Sandbox, http: httpx.Client) -> Smsc:
    return Smsc(http, sms_mocks.account("smsc", senders=SENDERS))


@pytest.mark.parametrize("fmt", sorted(LISTS))
def test_get_lists_the_approved_names_in_every_fmt(shop: Smsc, fmt: int) -> None:
    response = shop.get("senders", get=1, fmt=fmt)
    assert response.status_code == 200
    assert response.content.decode("cp1251") == LISTS[fmt]
    assert response.headers["content-type"] == {
        2: "text/xml", 3: "application/json"}.get(fmt, "text/plain") + "; charset=windows-1251"


def test_the_bitrix_and_wp_sms_request_reads_sender_fields(shop: Smsc) -> None:
    # what clients send (FACTS B.6): senders.php?get=1&fmt=3, then $entry['sender'] of each
    response = shop.http.post("/sys/senders.php", data={
        "get": "1", "login": shop.account.login, "psw": shop.account.password, "fmt": "3"})
    assert [entry["sender"] for entry in response.json()] == ["SMSC", "Shop"]


def test_all_1_lists_every_name_whatever_its_state(shop: Smsc) -> None:
    assert shop.text("senders", get=1, all=1, fmt=3) == (
        '[{"sender":"SMSC"},{"sender":"Shop"},{"sender":"Later"},{"sender":"No"}]')
    assert shop.text("senders", get=1, all=1) == (
        "sender = SMSC\nsender = Shop\nsender = Later\nsender = No")


def test_an_account_without_names_gets_an_empty_list(sms_mocks: Sandbox,
                                                     http: httpx.Client) -> None:
    empty = Smsc(http, sms_mocks.account("smsc", senders={}))
    assert [empty.text("senders", get=1, fmt=fmt) for fmt in (0, 1, 2, 3)] == [
        "", "", "<result>\n</result>", "[]"]


def test_a_names_charset_is_the_requests(shop: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(shop.account, senders={"Магазин": "approved"})
    response = shop.get("senders", get=1, fmt=3, charset="utf-8")
    assert response.content == '[{"sender":"Магазин"}]'.encode()
    assert shop.get("senders", get=1).content == "sender = Магазин".encode("cp1251")


@pytest.mark.parametrize("params", [{}, {"get": "0"}, {"add": "1", "sender": "New"},
                                    {"del": "1", "sender": "Shop"}, {"chg": "1", "id": "1"}])
def test_anything_but_get_is_error_1(shop: Smsc, sms_mocks: Sandbox,
                                     params: dict[str, str]) -> None:
    assert shop.text("senders", **params) == "ERROR = 1 (parameters error)"
    assert shop.text("senders", **params, fmt=1) == "0,-1"
    assert shop.text("senders", **params, fmt=3) == '{"error":"parameters error","error_code":1}'
    assert sms_mocks.journal(limit=1)[0]["explanation"] == \
        "only get=1 (the list of sender names) is served"
    assert shop.text("senders", get=1, fmt=1) == "SMSC\nShop"  # nothing was changed


def test_a_wrong_password_is_error_2(shop: Smsc) -> None:
    assert shop.text("senders", get=1, psw="nope") == "ERROR = 2 (authorise error)"
    assert shop.text("senders", get=1, psw="nope", fmt=2) == (
        "<result>\n<error>authorise error</error>\n<error_code>2</error_code>\n</result>")


def test_the_shared_sender_is_not_the_accounts_own(sms_mocks: Sandbox,
                                                   http: httpx.Client) -> None:
    # SMSC.RU may be used by every account, but nobody registered it: it is not listed
    smsc = Smsc(http, sms_mocks.account("smsc", senders={"ivan": "approved"}))
    assert smsc.text("senders", get=1, fmt=3) == '[{"sender":"ivan"}]'
