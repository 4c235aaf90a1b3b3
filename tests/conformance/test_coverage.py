"""The coverage table (docs/coverage.md) stays true: it is coverage.toml rendered, every
test it names is collected, and every parameter, error and operation the documents list has
a row."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sms_mocks.conformance.coverage import LEVELS, load, updated
from tests import specs
from tests.conformance.documents import ROOT, read_all

DOCUMENTED = tomllib.loads((Path(__file__).with_name("documented.toml")).read_text("utf-8"))
ROWS = load()

# Which rows answer for each documented list, and how a row names its entry.
KINDS = {
    "smsc_send_parameters": ("send.php parameter (002)", lambda item: item.split()[0]),
    "smsc_send_errors": ("send.php error (002)", lambda item: item.split()[0]),
    "smspager_send_elements": ("send.xml element (000)", lambda item: item.split()[0]),
    "smspager_codes": ("result code (000)", lambda item: item),
    "targetsms_errors": ("error text (001)", lambda item: item),
    "soap_operations": ("operation (003)", lambda item: item),
}


def test_the_readme_table_is_the_data_rendered() -> None:
    readme = (ROOT / "docs" / "coverage.md").read_text("utf-8")
    assert updated(readme, ROWS) == readme, \
        "docs/coverage.md is stale: python -m sms_mocks.conformance.coverage docs/coverage.md"


def test_every_row_says_how_far_it_is_implemented_and_which_test_shows_it() -> None:
    for row in ROWS:
        assert row.implemented in LEVELS, row
        assert row.test or row.implemented == "no", f"{row.item}: which test shows it?"
        assert row.note or row.implemented in ("yes", "no") or row.test, row


@pytest.mark.slow
def test_every_named_test_is_collected() -> None:
    files = sorted({row.test.split("::")[0] for row in ROWS if row.test})
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:randomly", "-p", "no:cacheprovider", *files],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    collected = {line for line in done.stdout.splitlines() if "::" in line}
    assert collected, done.stdout + done.stderr
    missing = [row.test for row in ROWS if row.test and row.test not in collected
               and not any(node.startswith(row.test + "[") for node in collected)]
    assert missing == []


@pytest.mark.parametrize("listed", sorted(KINDS))
def test_every_documented_entry_has_a_row(listed: str) -> None:
    kind, entry = KINDS[listed]
    rows = {entry(row.item) for row in ROWS if row.kind == kind}
    assert [name for name in DOCUMENTED[listed] if name not in rows] == []


def test_the_lists_are_what_the_documents_say() -> None:
    read = read_all()
    if read is None:
        specs.require()
    assert read == DOCUMENTED


def test_a_missing_row_would_be_noticed() -> None:
    # the check above is not vacuous: drop send.php's `valid` row and it fails
    kind, entry = KINDS["smsc_send_parameters"]
    rows = {entry(row.item) for row in ROWS if row.kind == kind and row.item != "valid"}
    assert [name for name in DOCUMENTED["smsc_send_parameters"] if name not in rows] \
        == ["valid"]
