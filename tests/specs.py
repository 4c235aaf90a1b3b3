"""Where the provider documents are (../shared/specs, beside the checkout), and what a test
that reads them does without them: skip on a developer's machine, fail in CI, where a skip
would let "every example has a golden" pass unchecked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"


def require(path: Path = SPECS) -> None:
    if path.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing; CI must have the provider documents")
    pytest.skip("../shared/specs is not beside this checkout")
