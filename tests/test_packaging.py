"""The folder is mocks/, the import name sms_mocks: the mapping in pyproject.toml stays whole,
and nothing imports the folder's name, which a user's own `mocks` package would shadow."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import sms_mocks

ROOT = Path(__file__).parents[1]
OLD_NAME = re.compile(r"^\s*(from|import) mocks\b|[\"']-m[\"'], [\"']mocks[\"']", re.M)


def test_every_package_under_mocks_is_shipped_as_sms_mocks() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"sms_mocks": "mocks"}
    folders = {".".join(("sms_mocks", *init.parent.relative_to(ROOT / "mocks").parts))
               for init in (ROOT / "mocks").rglob("__init__.py")}
    assert set(setuptools["packages"]) == folders


def test_the_import_name_is_sms_mocks() -> None:
    # the editable install's folder; the compiled build's is an installed copy of it
    folder = Path(sms_mocks.__file__).parent
    if os.environ.get("SMS_GATEWAY_MOCKS_BUILD") == "compiled":
        assert folder.name == "sms_mocks" and folder != ROOT / "mocks"
    else:
        assert folder == ROOT / "mocks"


def test_nothing_imports_the_folder_name() -> None:
    offenders = [str(path.relative_to(ROOT))
                 for folder in ("mocks", "tests", "bench", "scripts")
                 for path in (ROOT / folder).rglob("*.py")
                 if OLD_NAME.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_py_typed_ships_so_users_type_checkers_read_the_annotations() -> None:
    """PEP 561: the marker in the package's folder, and in its package data (else the wheel
    leaves it out)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "py.typed" in setuptools["package-data"]["sms_mocks"]
    marker = ROOT / "mocks" / "py.typed"
    assert marker.is_file() and marker.read_bytes() == b""  # empty: the whole package is typed
