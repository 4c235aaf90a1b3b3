"""/_mock/accounts/{provider}/{login}/limits: an account's documented rate limits, viewed and
changed over the API, and the provider APIs obeying the change."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.config import DEFAULT_RULES
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.providers.smsc.client import Smsc


def _balance(http: httpx.Client, account: MockAccount) -> str:
    return Smsc(http, account).balance(fmt=1)


def test_every_documented_rule_is_shown_with_its_default(sms_mocks: Sandbox) -> None:
    limits = sms_mocks.limits(sms_mocks.smsc)
    assert list(limits) == list(DEFAULT_RULES)
    assert limits["smsc.balance_requests"] == {
        "enabled": True, "max": 10, "window": 60.0, "block": 0.0, "overridden": False,
        "default": {"enabled": True, "max": 10, "window": 60.0, "block": 0.0}}


def test_a_lower_limit_applies_at_once_and_null_restores_the_default(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="100.00")
    changed = sms_mocks.set_limits(account, {"smsc.balance_requests": {"max": 2}})
    assert (changed["smsc.balance_requests"]["max"],
            changed["smsc.balance_requests"]["overridden"]) == (2, True)
    assert [_balance(http, account) for _ in range(3)] == ["100.00", "100.00", "0,-9"]
    sms_mocks.advance(60)
    restored = sms_mocks.set_limits(account, {"smsc.balance_requests": None})
    assert (restored["smsc.balance_requests"]["max"],
            restored["smsc.balance_requests"]["overridden"]) == (10, False)
    assert [_balance(http, account) for _ in range(11)] == ["100.00"] * 10 + ["0,-9"]


def test_switches_and_numbers_merge(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", limits={"smsc.duplicate_send": False})
    assert sms_mocks.limits(account)["smsc.duplicate_send"]["enabled"] is False
    merged = sms_mocks.set_limits(account, {"smsc.duplicate_send": {"window": 5}})
    assert {k: merged["smsc.duplicate_send"][k] for k in ("enabled", "max", "window")} == {
        "enabled": False, "max": 1, "window": 5}
    on = sms_mocks.set_limits(account, {"smsc.duplicate_send": True})["smsc.duplicate_send"]
    assert (on["enabled"], on["window"]) == (True, 5)
    smsc = Smsc(http, account)
    send = {"phones": "79991234567", "mes": "same", "fmt": 1}
    assert smsc.send(**send).startswith("1,")
    assert smsc.send(**send) == "0,-9"
    sms_mocks.advance(5)
    assert smsc.send(**send).startswith("2,")


@pytest.mark.parametrize(("body", "error"), [
    ({"smsc.nope": False}, "unknown limit 'smsc.nope'"),
    ({"smsc.duplicate_send": "off"}, "limit 'smsc.duplicate_send': true, false or a table"),
    ({"smsc.duplicate_send": {"max": 1.5}}, "limit 'smsc.duplicate_send': max is a whole"),
    ({"smsc.duplicate_send": {"max": -1}}, "limit 'smsc.duplicate_send': max must be a number >= "),
    ({"smsc.duplicate_send": {"window": 1e300}}, "limit 'smsc.duplicate_send': window from 0"),
    ({"smsc.duplicate_send": {"colour": 1}}, "limit 'smsc.duplicate_send': "),
    ({"smsc.duplicate_send": {"enabled": 1}}, "limit 'smsc.duplicate_send': enabled has"),
])
def test_bad_changes_are_a_400_and_change_nothing(sms_mocks: Sandbox, http: httpx.Client,
                                                  body: dict[str, object], error: str) -> None:
    account = sms_mocks.smsc
    path = f"/_mock/accounts/smsc/{account.login}/limits"
    answer = http.patch(path, json={"smsc.balance_requests": {"max": 1}, **body})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(error)
    assert sms_mocks.limits(account)["smsc.balance_requests"]["overridden"] is False


def test_an_unknown_account_is_a_404(http: httpx.Client) -> None:
    for method in ("GET", "PATCH"):
        answer = http.request(method, "/_mock/accounts/smsc/nobody-here/limits", json={})
        assert (answer.status_code, answer.json()) == (404, {"error": "no such account"})


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from([*DEFAULT_RULES, "x"]), st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=3),
    st.dictionaries(st.sampled_from(["enabled", "max", "window", "block", "y"]),
                    st.one_of(st.booleans(), st.integers(), st.floats(), st.none())))))
def test_any_change_is_a_200_or_a_400(sms_mocks: Sandbox, http: httpx.Client,
                                      body: dict[str, object]) -> None:
    account = sms_mocks.smsc
    answer = http.patch(f"/_mock/accounts/smsc/{account.login}/limits",
                        content=json.dumps(body).encode())  # NaN and Infinity included
    assert answer.status_code in (200, 400), answer.text
    assert _balance(http, account) != ""  # the account still answers
