"""balance.php in every fmt, with and without the currency."""

from __future__ import annotations

import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc

BALANCE = {
    (0, 0): "100.00",
    (1, 0): "100.00",
    (2, 0): "<result>\n<balance>100.00</balance>\n</result>",
    (3, 0): '{"balance":"100.00"}',
    (0, 1): "100.00,RUR",
    (1, 1): "100.00,RUR",
    (2, 1): "<result>\n<balance>100.00</balance>\n<currency>RUR</currency>\n</result>",
    (3, 1): '{"balance":"100.00","currency":"RUR"}',
}


@pytest.mark.parametrize(("fmt", "cur"), sorted(BALANCE))
def test_balance_in_every_fmt(smsc: Smsc, fmt: int, cur: int) -> None:
    assert smsc.balance(fmt=fmt, cur=cur or None) == BALANCE[(fmt, cur)]


def test_credit_and_currency_of_the_account(sms_mocks: Sandbox, http) -> None:
    smsc = Smsc(http, sms_mocks.account("smsc", balance="-5.5", credit="50", currency="KZT"))
    assert smsc.balance(fmt=3, cur=1) == '{"balance":"-5.50","credit":"50.00","currency":"KZT"}'


def test_more_than_ten_balance_requests_a_minute_is_error_9(smsc: Smsc,
                                                            sms_mocks: Sandbox) -> None:
    assert [smsc.balance(fmt=1) for _ in range(11)] == ["100.00"] * 10 + ["0,-9"]
    sms_mocks.advance(60)
    assert smsc.balance(fmt=1) == "100.00"


def test_wrong_password(smsc: Smsc) -> None:
    assert smsc.balance(psw="nope") == "ERROR = 2 (authorise error)"
