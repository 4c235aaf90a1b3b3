"""SMS segmentation: GSM-7 / UCS-2 part counts and trimming to a part budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.core.segments import GSM7, UCS2, encoding_of, segment, trim_to_parts

EMOJI = "\U0001f600"  # one code point, a surrogate pair in UTF-16


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3),
                                               (459, 3), (460, 4)])
def test_gsm7_part_counts(length: int, parts: int) -> None:
    seg = segment("a" * length)
    assert (seg.encoding, seg.units, seg.parts) == (GSM7, length, parts)


def test_empty_text_is_one_part() -> None:
    seg = segment("")
    assert (seg.units, seg.parts) == (0, 1)


@pytest.mark.parametrize("ch", list("{}[]~\\|^€"))
def test_extension_characters_count_two_septets(ch: str) -> None:
    seg = segment(ch)
    assert (seg.encoding, seg.units) == (GSM7, 2)


def test_eighty_extension_characters_fill_one_sms() -> None:
    assert segment("{" * 80).parts == 1
    assert segment("{" * 81).parts == 2


def test_extension_character_is_never_split_across_parts() -> None:
    # 152 septets then a two-septet character: it cannot straddle parts 1 and 2, so part 1
    # holds 152 and the next 153 units fill part 2 (2 + 151): 152 + 2 + 151 = 305 units in 2.
    text = "a" * 152 + "{" + "a" * 151
    assert segment(text).units == 305
    assert segment(text).parts == 2
    assert segment(text + "a").parts == 3  # 306 units, but one septet was lost at the seam


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_part_counts(length: int, parts: int) -> None:
    seg = segment("я" * length)
    assert (seg.encoding, seg.units, seg.parts) == (UCS2, length, parts)


def test_one_non_gsm_character_makes_the_whole_message_ucs2() -> None:
    seg = segment("a" * 100 + "я")
    assert (seg.encoding, seg.units, seg.parts) == (UCS2, 101, 2)


def test_emoji_counts_two_units() -> None:
    seg = segment(EMOJI)
    assert (seg.encoding, seg.units) == (UCS2, 2)
    assert segment(EMOJI * 35).parts == 1
    assert segment(EMOJI * 35 + "a").parts == 2


def test_emoji_is_never_split_across_parts() -> None:
    text = "я" * 66 + EMOJI + "я" * 66  # 134 units, but the pair cannot straddle at 67
    assert segment(text).units == 134
    assert segment(text).parts == 3


def test_encoding_of() -> None:
    assert encoding_of("Hello @£$ {€}") == GSM7
    assert encoding_of("Привет") == UCS2
    assert encoding_of("") == GSM7


def test_trim_leaves_text_that_already_fits() -> None:
    assert trim_to_parts("a" * 306, 2) == "a" * 306


def test_trim_to_one_part_uses_the_single_sms_limit() -> None:
    assert trim_to_parts("a" * 500, 1) == "a" * 160
    assert trim_to_parts("я" * 500, 1) == "я" * 70


def test_trim_to_several_parts_uses_the_per_part_limit() -> None:
    assert trim_to_parts("a" * 500, 2) == "a" * 306
    assert trim_to_parts("a" * 500, 3) == "a" * 459
    assert trim_to_parts("я" * 500, 2) == "я" * 134


def test_trim_does_not_cut_an_extension_character_in_half() -> None:
    assert trim_to_parts("a" * 159 + "{" + "a" * 10, 1) == "a" * 159


def test_trim_does_not_cut_an_emoji_in_half() -> None:
    assert trim_to_parts("я" * 69 + EMOJI + "я" * 10, 1) == "я" * 69


def test_trim_with_no_budget_leaves_text_unchanged() -> None:
    assert trim_to_parts("a" * 500, 0) == "a" * 500


def test_trim_returns_the_longest_prefix_that_fits_even_when_the_tail_is_ucs2() -> None:
    assert trim_to_parts("a" * 200 + "я", 1) == "a" * 160


_texts = st.text(alphabet=st.sampled_from([*"ab {}€[]я", EMOJI]), max_size=600) | st.text(
    max_size=400)


@given(_texts, st.integers(min_value=1, max_value=6))
def test_trimmed_text_fits_its_budget_and_is_a_prefix(text: str, k: int) -> None:
    trimmed = trim_to_parts(text, k)
    assert segment(trimmed).parts <= k
    assert text.startswith(trimmed)


@given(_texts, st.integers(min_value=1, max_value=6))
def test_trimming_keeps_the_whole_text_when_it_fits(text: str, k: int) -> None:
    if segment(text).parts <= k:
        assert trim_to_parts(text, k) == text
