"""No page sends the reader somewhere they cannot go: every relative link resolves to a file of
the repository, and no page names a file, an issue or a design note a reader does not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.pages import (
    DOCS,
    README,
    ROOT,
    every_text,
    outside_code,
    read,
    relative_links,
    site_pages,
)

# What the provider documents and the notes behind them are called inside the project, and
# what only its authors have: a page may name the documents by number only beside a link to
# the page that says what the numbers are.
NOT_FOR_READERS = [
    (re.compile(r"FACTS\.md"), "FACTS.md (the notes are described in docs/sources.md)"),
    (re.compile(r"targetsms-json-xml\.md"), "targetsms-json-xml.md (described in docs/sources.md)"),
    (re.compile(r"\b00[0-3]_[0-9a-f]+\.txt"), "a provider document's file name"),
    (re.compile(r"\bissue (#?\d+)", re.I), "an issue number"),
    (re.compile(r"design card", re.I), "the design card"),
    (re.compile(r"\.\./shared|/work/shared|/work/main"), "a path outside the repository"),
]
DOCUMENT_NUMBER = re.compile(r"(?<![\w.,/-])00[0-3](?![\w/-])|\bFACTS\b")


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", every_text(), ids=name)
def test_every_relative_link_resolves_to_a_file_of_the_repository(path: Path) -> None:
    for target in relative_links(read(path)):
        file = target.split("#", 1)[0]
        if not file:
            continue
        resolved = (path.parent / file).resolve()
        assert resolved.is_relative_to(ROOT), f"{name(path)}: {target} leaves the repository"
        assert resolved.exists(), f"{name(path)}: {target} is not in the repository"


@pytest.mark.parametrize("path", every_text(), ids=name)
def test_no_page_names_what_a_reader_does_not_have(path: Path) -> None:
    text = read(path)
    for pattern, what in NOT_FOR_READERS:
        found = pattern.search(text)
        assert found is None, f"{name(path)} mentions {what}: {found.group(0)!r}"


@pytest.mark.parametrize("path", [README, *site_pages()], ids=name)
def test_a_page_that_cites_a_document_by_number_links_to_the_sources(path: Path) -> None:
    """000–003 (and the FACTS notes) mean nothing without docs/sources.md beside them; the
    two included files are explained by the pages that include them."""
    text = outside_code(read(path))
    if path == DOCS / "sources.md" or not DOCUMENT_NUMBER.search(text):
        return
    targets = [t.split("#", 1)[0] for t in relative_links(text)]
    assert any((path.parent / t).resolve() == DOCS / "sources.md" for t in targets if t), \
        f"{name(path)} cites 000–003 or FACTS without a link to sources.md"


def test_the_checks_see_what_they_check() -> None:
    """The patterns find what they are for, so an empty match cannot pass for a clean page."""
    sample = "see FACTS.md B.1, issue 11, the design card, ../shared/specs, 002 L10 [x](y.md)"
    assert all(p.search(sample) for p, _ in NOT_FOR_READERS[:1] + NOT_FOR_READERS[3:])
    assert DOCUMENT_NUMBER.search("as 002 says") and not DOCUMENT_NUMBER.search("code 0002")
    assert relative_links(sample) == ["y.md"]
    assert relative_links("`[x](in-code.md)` ![p](a.png) [w](https://x.org/a.md)") == ["a.png"]
    assert len(site_pages()) > 20
