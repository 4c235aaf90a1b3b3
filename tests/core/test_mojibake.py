"""The hint for UTF-8 text read as windows-1251: found where it is, never on real text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.core.mojibake import hint, repaired

RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
# Russian letters of both cases with the digits and punctuation Russian texts use
REAL_TEXT = st.text(alphabet=RUSSIAN + RUSSIAN.upper() + "0123456789 .,!?:;-()\"'«»–—№…\n",
                    max_size=200)


def mojibake(text: str) -> str:
    """What a client that sends UTF-8 without saying so gets at SMSC (windows-1251)."""
    return text.encode("utf-8").decode("cp1251", "replace")


def test_the_issue_s_example_is_repaired() -> None:
    assert repaired("Р’Р°С€ РєРѕРґ") == "Ваш код"
    assert repaired(mojibake("Ваш код 4821")) == "Ваш код 4821"
    shown = hint(mojibake("Ваш код 4821"))
    assert shown is not None
    assert "charset=utf-8" in shown and "Ваш код 4821" in shown


def test_plain_and_real_texts_get_no_hint() -> None:
    for text in ("Your code is 4821", "", "Ваш код 4821", "Привет, мир!", "Рё", "РЁРё",
                 "Café €5 ©"):
        assert hint(text) is None, text


@given(REAL_TEXT)
def test_real_russian_text_is_never_flagged(text: str) -> None:
    assert repaired(text) is None


@given(REAL_TEXT)
def test_a_flagged_mojibake_is_repaired_to_exactly_what_was_sent(text: str) -> None:
    found = repaired(mojibake(text))
    assert found is None or found == text


@given(st.text(alphabet=RUSSIAN + " ", min_size=3).filter(lambda t: any(c in t for c in "жкоп")))
def test_a_word_with_common_letters_is_caught(text: str) -> None:
    # ж к о п read as windows-1251 leave marks (¶ є ѕ ї) that real Russian never has
    assert repaired(mojibake(text)) == text


@given(st.text())
def test_any_text_is_answered_without_an_error(text: str) -> None:
    result = hint(text)
    assert result is None or isinstance(result, str)
