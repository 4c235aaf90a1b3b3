"""Every recorded golden runs: the exchanges `sms-mocks diff --save-golden` wrote to
fixtures/golden/<provider>/recorded.toml, each replayed on an emulator of its own whose
virtual clock reads the recorded times, its answer matched as the goldens match: the fixed
text byte for byte, the declared placeholders within their shapes.

SMS_MOCKS_RECORDED_GOLDENS names another folder laid out the same way (tests/record uses it
to show that a golden it has just saved is one this module runs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sms_mocks.conformance.coverage import load as coverage_rows
from sms_mocks.record import golden
from sms_mocks.record.template import Template
from tests.golden.goldens import GOLDEN_DIR, RECORDED

DIRECTORY = Path(os.environ.get("SMS_MOCKS_RECORDED_GOLDENS") or GOLDEN_DIR)
ENTRIES = [(path, entry) for path in golden.files(DIRECTORY)
           for entry in golden.load(path)["golden"]]


def _id(item: tuple[Path, dict[str, Any]]) -> str:
    return f"{item[0].parent.name}:{item[1]['key']}"


@pytest.mark.parametrize("item", ENTRIES, ids=_id)
def test_recorded_exchange_is_the_emulators_answer(item: tuple[Path, dict[str, Any]]) -> None:
    path, entry = item
    verdict = golden.run(entry)
    assert verdict.match, f"{path}: {entry['key']} (recorded {entry['recorded_at']} from " \
                          f"{entry['upstream']}): {verdict.line()}"


@pytest.mark.parametrize("item", ENTRIES, ids=_id)
def test_recorded_golden_is_well_formed(item: tuple[Path, dict[str, Any]]) -> None:
    """Its date and redactions are there, its placeholders are where they say, and every
    coverage row it claims exists."""
    path, entry = item
    assert path.name == RECORDED and path.parent.name in ("smsc", "smsc-soap", "smspager",
                                                          "targetsms")
    assert entry["recorded_at"] and isinstance(entry["redacted"], list)
    assert entry["steps"] and entry["steps"][-1]["provider"] == path.parent.name
    for step in entry["steps"]:
        Template.from_data(step["answer"], step["placeholders"])
    rows = {(r.provider, r.kind, r.item) for r in coverage_rows(recorded=None)}
    assert [c for c in entry["covers"] if tuple(c) not in rows] == []
