"""Phone parsing: autocorrection into international digits, and classification."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.core.numbering import country_code_known, lookup
from sms_mocks.core.phones import PhoneProblem, normalize, parse


@pytest.mark.parametrize(
    "raw",
    ["+7(901) 123-45 67", "8-901-123-4567", "9011234567", "79011234567", "+79011234567",
     " 8 (901) 123.45.67 ", "0079011234567"],
)
def test_every_documented_form_normalises_to_international_digits(raw: str) -> None:
    assert normalize(raw) == "79011234567"


def test_russian_mobile_is_classified_with_its_operator() -> None:
    phone = parse("79011234567")
    assert phone.ok
    assert phone.problem is None
    assert phone.info is not None
    assert (phone.info.country, phone.info.operator, phone.info.mccmnc) == ("RU", "Tele2", "25020")


def test_leading_plus_disables_autocorrection() -> None:
    phone = parse("+89011234567")
    assert phone.digits == "89011234567"
    assert phone.problem is PhoneProblem.NO_ROUTE
    assert normalize("+89011234567") is None


def test_leading_plus_keeps_a_ten_digit_number_as_is() -> None:
    phone = parse("+9011234567")
    assert phone.digits == "9011234567"
    assert not phone.ok


def test_moscow_fixed_line_is_not_mobile() -> None:
    phone = parse("74957271122")
    assert phone.problem is PhoneProblem.NOT_MOBILE
    assert phone.digits == "74957271122"
    assert phone.info is not None and phone.info.country == "RU"
    assert normalize("74957271122") is None


def test_ukrainian_national_number_gets_the_380_prefix() -> None:
    phone = parse("0671234567")
    assert phone.ok
    assert phone.digits == "380671234567"
    assert phone.info is not None
    assert (phone.info.country, phone.info.mccmnc) == ("UA", "25503")


def test_kazakh_kcell_number() -> None:
    phone = parse("77011234567")
    assert phone.ok
    assert phone.info is not None
    assert (phone.info.country, phone.info.operator, phone.info.mccmnc) == (
        "KZ", "Kcell", "40102")


def test_belarus_number() -> None:
    info = lookup("375291234567")
    assert info is not None
    assert (info.country, info.mccmnc, info.mobile) == ("BY", "25701", True)


def test_unknown_russian_def_code_is_mobile_with_unknown_operator() -> None:
    phone = parse("79401234567")
    assert phone.ok
    assert phone.info is not None and phone.info.operator == ""


def test_wrong_length_for_a_known_prefix_has_no_route() -> None:
    assert parse("790112345678").problem is PhoneProblem.NO_ROUTE
    assert lookup("790112345678") is None


@pytest.mark.parametrize("raw", ["", "abc", "+", "12345", "7901abc4567", "++79011234567",
                                 "1234567890123456", "７９０１１２３４５６７"])
def test_garbage_is_a_format_problem(raw: str) -> None:
    phone = parse(raw)
    assert phone.problem is PhoneProblem.FORMAT
    assert normalize(raw) is None


def test_short_digits_without_route_are_a_format_problem() -> None:
    assert parse("1234567").problem is PhoneProblem.FORMAT


def test_long_digits_without_route_have_no_route() -> None:
    assert parse("+4915112345678").problem is PhoneProblem.NO_ROUTE


def test_country_code_known() -> None:
    assert country_code_known("79011234567")
    assert country_code_known("380671234567")
    assert not country_code_known("4915112345678")


@given(st.text())
def test_parse_never_raises_on_any_text(raw: str) -> None:
    phone = parse(raw)
    assert phone.raw == raw
    assert phone.ok == (phone.problem is None)


@given(st.one_of(st.text(), st.from_regex(r"\+?[0-9 ()\-]{7,20}", fullmatch=True)))
def test_normalize_is_digits_only_when_not_none(raw: str) -> None:
    result = normalize(raw)
    if result is not None:
        assert result.isascii() and result.isdigit()
        assert 7 <= len(result) <= 15
