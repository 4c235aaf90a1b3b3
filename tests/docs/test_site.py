"""The documentation site builds with `mkdocs build --strict`: a broken link, a missing page,
an anchor that is not there or a docstring mkdocstrings cannot read fails the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.docs.pages import DOCS, ROOT, site_pages


def nav_files(items: list[object]) -> list[str]:
    out: list[str] = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out.extend(nav_files(value) if isinstance(value, list) else [str(value)])
    return out


@pytest.mark.slow  # mkdocs in a process of its own: a few seconds
def test_the_site_builds_with_strict(tmp_path: Path) -> None:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    reference = (tmp_path / "site" / "reference" / "fixture" / "index.html").read_text("utf-8")
    # mkdocstrings read the docstrings: the fixture and the sandbox's methods are there
    for name in ("sms_mocks_server", "wait_for_sms", "Sandbox", "advance"):
        assert name in reference, name
    architecture = (tmp_path / "site" / "architecture" / "index.html").read_text("utf-8")
    assert "provider-neutral core" in architecture  # ARCHITECTURE.md was included


def test_every_page_is_in_the_navigation_and_every_entry_is_a_page() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    listed = nav_files(config["nav"])
    assert sorted(listed) == sorted(str(p.relative_to(DOCS)) for p in site_pages())
    assert len(listed) == len(set(listed))
