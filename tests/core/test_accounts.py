"""Accounts, tariffs, the ledger and money: exact Decimal arithmetic throughout."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from sms_mocks.core.accounts import Account, AccountRegistry, SenderState, Tariff
from sms_mocks.core.ledger import InsufficientFunds, Ledger
from sms_mocks.core.money import to_money
from sms_mocks.core.numbering import lookup


def make_account(**kwargs: object) -> Account:
    return Account(provider="smsc", login="shop", password="secret", **kwargs)  # type: ignore[arg-type]


# money ------------------------------------------------------------------------------------
def test_to_money_parses_strings_and_integers_exactly() -> None:
    assert to_money("1.40") == Decimal("1.40")
    assert str(to_money("1.40")) == "1.40"
    assert to_money(5) == Decimal(5)


def test_to_money_passes_a_decimal_through() -> None:
    value = Decimal("2.10")
    assert to_money(value) is value


@pytest.mark.parametrize("value", [1.4, True, None, [1]])
def test_to_money_refuses_floats_and_other_types(value: object) -> None:
    with pytest.raises(ValueError, match="string or an integer"):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1,40"])
def test_to_money_refuses_non_amounts(value: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        to_money(value)


# accounts ---------------------------------------------------------------------------------
def test_account_amounts_become_decimal() -> None:
    account = make_account(balance="12.50", credit=3)
    assert account.balance == Decimal("12.50")
    assert account.credit == Decimal(3)


def test_check_password_accepts_the_plain_password() -> None:
    assert make_account().check_password("secret")


def test_check_password_accepts_the_lowercase_md5() -> None:
    md5 = hashlib.md5(b"secret").hexdigest()
    assert make_account().check_password(md5)


def test_check_password_refuses_the_uppercase_md5_and_wrong_passwords() -> None:
    account = make_account()
    assert not account.check_password(hashlib.md5(b"secret").hexdigest().upper())
    assert not account.check_password("Secret")
    assert not account.check_password("")


def test_set_password_replaces_the_md5_too() -> None:
    account = make_account()
    account.set_password("new")
    assert account.check_password(hashlib.md5(b"new").hexdigest())
    assert not account.check_password(hashlib.md5(b"secret").hexdigest())
    assert not account.check_password("secret")


def test_md5_of_a_non_ascii_password_is_of_its_utf8_bytes() -> None:
    account = Account(provider="smsc", login="u", password="пароль")
    assert account.check_password(hashlib.md5("пароль".encode()).hexdigest())


def test_next_id_counts_from_one_per_account() -> None:
    a, b = make_account(), make_account()
    assert [a.next_id(), a.next_id(), a.next_id()] == [1, 2, 3]
    assert b.next_id() == 1


def test_default_sender_is_the_first_approved() -> None:
    account = make_account(senders={"Wait": SenderState.PENDING, "Shop": SenderState.APPROVED,
                                    "Other": SenderState.APPROVED})
    assert account.default_sender() == "Shop"
    assert account.sender_state("Wait") is SenderState.PENDING
    assert account.sender_state("Nobody") is None


def test_default_sender_is_empty_without_an_approved_one() -> None:
    assert make_account(senders={"Wait": SenderState.PENDING}).default_sender() == ""


# tariff -----------------------------------------------------------------------------------
TARIFF = Tariff({"default": Decimal("1.00"), "RU": Decimal("1.40"), "25001": Decimal("2.10"),
                 "hlr": Decimal("0.20")})


def test_tariff_prefers_mccmnc() -> None:
    assert TARIFF.price(lookup("79161234567")) == Decimal("2.10")  # МТС, 25001


def test_tariff_falls_back_to_country() -> None:
    assert TARIFF.price(lookup("79011234567")) == Decimal("1.40")  # Tele2, 25020


def test_tariff_falls_back_to_default() -> None:
    assert TARIFF.price(lookup("380671234567")) == Decimal("1.00")
    assert TARIFF.price(None) == Decimal("1.00")


def test_tariff_channel_price_wins_over_everything() -> None:
    assert TARIFF.price(lookup("79161234567"), channel="hlr") == Decimal("0.20")


def test_tariff_channel_without_a_price_uses_the_number() -> None:
    assert TARIFF.price(lookup("79161234567"), channel="viber") == Decimal("2.10")


def test_tariff_without_default_prices_unknown_numbers_at_zero() -> None:
    assert Tariff({"RU": Decimal("1.40")}).price(None) == Decimal("0")


def test_default_tariff_is_1_40() -> None:
    assert Tariff().price(lookup("79011234567")) == Decimal("1.40")


# registry ---------------------------------------------------------------------------------
def test_registry_keeps_providers_apart() -> None:
    registry = AccountRegistry()
    smsc = registry.add(Account(provider="smsc", login="alex", password="1"))
    pager = registry.add(Account(provider="smspager", login="alex", password="2"))
    assert registry.get("smsc", "alex") is smsc
    assert registry.get("smspager", "alex") is pager
    assert registry.get("targetsms", "alex") is None
    assert len(registry) == 2


def test_registry_finds_accounts_by_api_key() -> None:
    registry = AccountRegistry()
    account = registry.add(make_account(api_keys={"K1"}))
    assert registry.by_api_key("smsc", "K1") is account
    assert registry.by_api_key("smspager", "K1") is None


def test_set_api_keys_forgets_the_old_keys() -> None:
    registry = AccountRegistry()
    account = registry.add(make_account(api_keys={"K1"}))
    registry.set_api_keys(account, ["K2"])
    assert registry.by_api_key("smsc", "K1") is None
    assert registry.by_api_key("smsc", "K2") is account


def test_replacing_an_account_forgets_its_old_keys() -> None:
    registry = AccountRegistry()
    registry.add(make_account(api_keys={"OLD"}))
    new = registry.add(make_account(api_keys={"NEW"}))
    assert registry.by_api_key("smsc", "OLD") is None
    assert registry.get("smsc", "shop") is new
    assert len(registry) == 1


def test_remove_forgets_account_and_keys() -> None:
    registry = AccountRegistry()
    account = registry.add(make_account(api_keys={"K1"}))
    registry.remove(account)
    assert registry.get("smsc", "shop") is None
    assert registry.by_api_key("smsc", "K1") is None
    assert list(registry) == []


# ledger -----------------------------------------------------------------------------------
def test_charges_are_exact_in_decimal() -> None:
    ledger, account = Ledger(), make_account(balance="1000.00")
    for _ in range(3):
        ledger.charge(account, Decimal("1.40"))
    assert account.balance == Decimal("995.80")
    assert str(account.balance) == "995.80"


def test_charge_returns_the_new_balance() -> None:
    ledger, account = Ledger(), make_account(balance="10.00")
    assert ledger.charge(account, Decimal("0.10")) == Decimal("9.90")


def test_refund_is_exact_and_returns_the_new_balance() -> None:
    ledger, account = Ledger(), make_account(balance="995.80")
    assert ledger.refund(account, Decimal("1.40")) == Decimal("997.20")
    assert str(account.balance) == "997.20"


def test_a_thousand_tenths_add_up_exactly() -> None:
    ledger, account = Ledger(), make_account(balance="0")
    for _ in range(1000):
        ledger.refund(account, Decimal("0.10"))
    assert account.balance == Decimal("100")


def test_charge_to_exactly_zero_is_allowed() -> None:
    ledger, account = Ledger(), make_account(balance="1.40")
    assert ledger.charge(account, Decimal("1.40")) == Decimal("0")


def test_insufficient_funds_leaves_the_balance_alone() -> None:
    ledger, account = Ledger(), make_account(balance="1.39")
    with pytest.raises(InsufficientFunds):
        ledger.charge(account, Decimal("1.40"))
    assert account.balance == Decimal("1.39")


def test_credit_lets_the_balance_go_negative_up_to_the_credit() -> None:
    ledger, account = Ledger(), make_account(balance="0", credit="5.00")
    assert ledger.can_pay(account, Decimal("5.00"))
    assert not ledger.can_pay(account, Decimal("5.01"))
    assert ledger.charge(account, Decimal("5.00")) == Decimal("-5.00")
    with pytest.raises(InsufficientFunds):
        ledger.charge(account, Decimal("0.01"))


def test_negative_charges_and_refunds_are_refused() -> None:
    ledger, account = Ledger(), make_account(balance="10")
    with pytest.raises(ValueError, match="never negative"):
        ledger.charge(account, Decimal("-1"))
    with pytest.raises(ValueError, match="never negative"):
        ledger.refund(account, Decimal("-1"))
    assert account.balance == Decimal("10")


def test_set_balance() -> None:
    ledger, account = Ledger(), make_account()
    ledger.set_balance(account, Decimal("42.00"))
    assert account.balance == Decimal("42.00")
