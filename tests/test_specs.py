"""Tests that read the provider documents skip without them, except in CI, where they fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import specs


def test_missing_documents_fail_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have the provider documents"):
        specs.require(tmp_path / "absent")


def test_missing_documents_skip_elsewhere(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        specs.require(tmp_path / "absent")
    specs.require(tmp_path)  # there: nothing happens
