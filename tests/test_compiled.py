"""The compiled build: scripts/dev.py runs the tests a second time on the wheel that
SMS_MOCKS_COMPILE=1 builds, and says so (SMS_GATEWAY_MOCKS_BUILD=compiled). These tests make sure
each run tests the build it claims to, and that setup.py compiles what mocks/compiled.py lists."""

from __future__ import annotations

import os
import runpy
import tomllib
from pathlib import Path

import pytest

from sms_mocks.compiled import compiled

ROOT = Path(__file__).resolve().parent.parent
EXPECT_COMPILED = os.environ.get("SMS_GATEWAY_MOCKS_BUILD") == "compiled"
MODULES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["sms-mocks"]["compile"][
    "modules"]


def test_the_run_tests_the_build_it_says() -> None:
    assert compiled() == (list(MODULES) if EXPECT_COMPILED else [])


def test_every_listed_module_is_a_source_file_of_the_package() -> None:
    for name in MODULES:
        assert name.startswith("sms_mocks.")
        path = ROOT / "mocks" / Path(*name.split(".")[1:]).with_suffix(".py")
        assert path.is_file(), name
    assert list(MODULES) == sorted(set(MODULES))


def test_setup_compiles_that_list_and_only_when_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import setuptools

    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: None)  # only its functions
    monkeypatch.delenv("SMS_MOCKS_COMPILE", raising=False)
    monkeypatch.chdir(ROOT)
    setup = runpy.run_path(str(ROOT / "setup.py"))
    assert setup["compiled_modules"]() == list(MODULES)
    assert setup["extensions"]() == []  # a pure build unless asked


def test_a_build_starts_without_the_extensions_of_an_earlier_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import setuptools

    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: None)
    monkeypatch.delenv("SMS_MOCKS_COMPILE", raising=False)
    monkeypatch.chdir(ROOT)
    setup = runpy.run_path(str(ROOT / "setup.py"))
    stale = tmp_path / "build" / "lib.linux-x86_64-cpython-311" / "sms_mocks" / "gone.so"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"")
    kept = tmp_path / "build" / "mypyc-src"
    kept.mkdir()
    setup["clear_earlier_builds"].__globals__["ROOT"] = tmp_path  # run_path gave a copy
    monkeypatch.setattr("sys.argv", ["setup.py", "egg_info"])  # not a build: nothing goes
    setup["clear_earlier_builds"]()
    assert stale.exists()
    monkeypatch.setattr("sys.argv", ["setup.py", "bdist_wheel"])
    setup["clear_earlier_builds"]()
    assert not stale.exists() and kept.exists()
