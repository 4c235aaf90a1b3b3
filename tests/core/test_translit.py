"""Transliteration in SMSC's two styles."""

from __future__ import annotations

from sms_mocks.core.translit import translit


def test_mode_1_is_plain_translit() -> None:
    assert translit("Привет", 1) == "Privet"


def test_mode_1_capitalises_multi_letter_upper_case() -> None:
    assert translit("Жук Щука", 1) == "Zhuk Schuka"


def test_mode_2_uses_latin_lookalikes() -> None:
    assert translit("транслит", 2) == "mpaHc/Ium"


def test_mode_2_keeps_lookalikes_for_upper_case() -> None:
    assert translit("ЖУК", 2) == ">|<yK"


def test_mode_0_leaves_text_unchanged() -> None:
    assert translit("Привет", 0) == "Привет"


def test_unknown_mode_leaves_text_unchanged() -> None:
    assert translit("Привет", 3) == "Привет"


def test_latin_digits_and_punctuation_pass_through() -> None:
    assert translit("Код 1234, ok!", 1) == "Kod 1234, ok!"


def test_ukrainian_letters() -> None:
    assert translit("Їжак", 1) == "Yizhak"
