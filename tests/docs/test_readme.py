"""The README is a short start: at most 250 lines, and what a newcomer needs in its first
hour is in it."""

from __future__ import annotations

import re

import pytest

from tests.docs.pages import README, code_blocks, read


def test_it_is_at_most_250_lines() -> None:
    assert len(read(README).splitlines()) <= 250


def test_it_has_the_two_commands_and_the_three_quick_starts() -> None:
    text = read(README)
    assert "python3 scripts/dev.py sandbox" in text and "python3 scripts/dev.py test" in text
    headings = re.findall(r"^## (.+)$", text, re.M)
    for use in ("the pytest fixture", "the container in CI", "the sandbox"):
        assert f"Quick start: {use}" in headings
    assert "![" in text and "(docs/inbox.png)" in text
    assert "http://127.0.0.1:7214/" in text  # the inbox's address


def test_the_magic_range_is_named_next_to_the_first_send() -> None:
    """The first example that sends is followed by the range that decides fates, with a link
    to the Outcomes page."""
    text = read(README)
    blocks = list(re.finditer(r"^```\w*\n(.*?)^```$", text, re.S | re.M))
    first_send = next(b for b in blocks if "send.php" in b.group(1))
    near = text[first_send.end():first_send.end() + 800]
    assert "+7 900 000 ABBB" in near and "(docs/outcomes.md)" in near


def test_the_fixture_example_is_python_that_compiles() -> None:
    [example] = code_blocks(read(README), "python")
    compile(example, "README.md", "exec")
    assert "def test_" in example and "sms_mocks" in example


def test_development_names_the_checks_and_the_quick_subset() -> None:
    text = read(README)
    development = text[text.index("## Development"):]
    assert "scripts/check" in development
    assert "python3 scripts/dev.py test --quick" in development


@pytest.mark.slow  # a pytest run of its own, with its own emulator
def test_the_fixture_example_passes_as_a_users_test(pytester: pytest.Pytester) -> None:
    """The README's first example, run as a user's test file with the installed plugin."""
    [example] = code_blocks(read(README), "python")
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
