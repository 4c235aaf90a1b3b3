"""Account specs in the core: read against the catalogue the caller gives, written back by
spec_of, and the same words whether the caller is a config file, the control API or the
store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from sms_mocks import config
from sms_mocks.core.account_specs import (
    Catalogue,
    SpecError,
    account_from_spec,
    limit_overrides,
    spec_of,
)
from sms_mocks.core.accounts import SenderState
from sms_mocks.core.limits import Rule


@dataclass(frozen=True)
class ToyProvider:
    name: str
    default_senders: tuple[str, ...] = ()
    limits: Mapping[str, Rule] = field(default_factory=dict)


CATALOGUE = Catalogue.of([
    ToyProvider("alpha", ("Alpha",), {"alpha.flood": Rule(max=3)}),
    ToyProvider("beta", (), {"beta.dup": Rule(max=1, window=60)}),
])

FULL = {"provider": "alpha", "login": "x", "password": "pw", "balance": "12.50",
        "currency": "USD", "credit": "3", "api_keys": ["k2", "k1"],
        "tariff": {"default": "2.00", "RU": "1.10"}, "senders": {"Me": "pending"},
        "stop_list": ["79990000000"], "groups": {"1": ["79161234567"]}, "closed": ["UA"],
        "banned_words": ["Casino"], "packages": {"Россия": 3}, "blocked": True, "tz": -2,
        "limits": {"alpha.flood": {"max": 5}}, "test_mode": True,
        "callback_url": "https://example.org/cb", "callback_secret": "s",
        "notify_groups": {"ops": {"contacts": ["79161234567"], "channel": "mail"}},
        "carrier": "flaky"}


def test_the_catalogue_lists_providers_senders_and_rules_in_order() -> None:
    assert list(CATALOGUE.senders.items()) == [("alpha", ("Alpha",)), ("beta", ())]
    assert list(CATALOGUE.rules) == ["alpha.flood", "beta.dup"]


def test_an_account_gets_its_provider_s_default_senders_when_it_names_none() -> None:
    account = account_from_spec({"provider": "alpha", "login": "a"}, CATALOGUE)
    assert account.senders == {"Alpha": SenderState.APPROVED}
    assert account_from_spec({"provider": "beta", "login": "b"}, CATALOGUE).senders == {}


def test_a_spec_read_and_written_back_is_the_same_account() -> None:
    account = account_from_spec(FULL, CATALOGUE)
    assert account.balance == Decimal("12.50")
    stored = spec_of(account, password=True)
    again = account_from_spec(json.loads(json.dumps(stored)), CATALOGUE)
    assert spec_of(again, password=True) == stored
    assert again.check_password("pw")


def test_the_password_is_written_only_when_asked_and_last() -> None:
    account = account_from_spec(FULL, CATALOGUE)
    assert "password" not in spec_of(account)
    assert list(spec_of(account, password=True))[-1] == "password"


@pytest.mark.parametrize(("spec", "message"), [
    ({"provider": "gamma", "login": "x"}, "unknown provider 'gamma'; one of alpha, beta"),
    ({"provider": "alpha"}, "an account needs 'login'"),
    ({"provider": "alpha", "login": "x", "colour": 1}, "unknown account keys: colour"),
    ({"provider": "alpha", "login": "x", "tz": 13},
     "tz must be a whole number of hours from Moscow, -12..12"),
    ({"provider": "alpha", "login": "x", "limits": {"beta.nope": True}},
     "account alpha/x: unknown limit 'beta.nope'; one of alpha.flood, beta.dup"),
    ({"provider": "alpha", "login": "x", "balance": "1.0000001"},
     "account alpha/x: an amount must be below 1E+15 with at most 6 decimals: '1.0000001'"),
])
def test_a_wrong_spec_says_what_is_wrong_in_one_line(spec: dict[str, object],
                                                     message: str) -> None:
    with pytest.raises(SpecError) as raised:
        account_from_spec(spec, CATALOGUE)
    assert str(raised.value) == message


def test_limit_overrides_read_nested_provider_tables_and_refuse_negatives() -> None:
    assert limit_overrides({"alpha": {"flood": False}, "beta.dup": {"window": 5}},
                           CATALOGUE) == {"alpha.flood": False, "beta.dup": {"window": 5}}
    with pytest.raises(SpecError, match=r"limit 'beta\.dup': max must be a number >= 0"):
        limit_overrides({"beta.dup": {"max": -1}}, CATALOGUE)
    with pytest.raises(SpecError, match=r"limit 'beta\.dup': true, false or a table"):
        limit_overrides({"beta.dup": 3}, CATALOGUE)


def test_config_reads_specs_against_the_registry_in_its_own_words() -> None:
    with pytest.raises(config.ConfigError) as raised:
        config.account_from_spec({"provider": "nobody", "login": "x"})
    assert str(raised.value).startswith("unknown provider 'nobody'; one of smsc, ")
    assert "smsc.duplicate_send" in config.catalogue().rules
