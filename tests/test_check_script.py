"""scripts/check, the static gate CI runs before the tests: ruff, then mypy --strict over the
package, both whatever the first gives, and a failing exit when either fails."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "check"


def _load() -> ModuleType:
    # no .py suffix: spec_from_file_location would not know it as source
    loader = importlib.machinery.SourceFileLoader("check_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader("check_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@dataclass
class Run:
    """The script with a venv of its own, set-up skipped and recorded, and its commands
    recorded; `exits` says what each command returns, in order (0 once it runs out)."""

    module: ModuleType
    setups: list[str] = field(default_factory=list)
    calls: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)
    exits: list[int] = field(default_factory=list)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    recorded = Run(_load())
    venv = tmp_path / "venv"
    fake_dev = SimpleNamespace(PYTHON=venv / "bin" / "python", VENV=venv,
                               setup=recorded.setups.append)
    monkeypatch.setattr(recorded.module, "_dev", lambda: fake_dev)

    def call(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
        assert cwd == ROOT
        recorded.calls.append((argv, env))
        return recorded.exits.pop(0) if recorded.exits else 0

    monkeypatch.setattr(recorded.module.subprocess, "call", call)
    return recorded


def test_it_is_an_executable_python_script() -> None:
    assert SCRIPT.stat().st_mode & 0o111
    assert SCRIPT.read_text().startswith("#!/usr/bin/env python3\n")


def test_it_runs_ruff_then_strict_mypy_on_the_package(
        run: Run, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run.module.main([]) == 0
    assert run.setups == ["test"]  # mypy, ruff and the lxml stubs come with the test extras
    (ruff, _), (mypy, mypy_env) = run.calls
    python = str(tmp_path / "venv" / "bin" / "python")
    assert ruff == [python, "-m", "ruff", "check", "mocks", "tests", "bench", "scripts",
                    "scripts/check"]
    assert mypy[:3] == [python, "-m", "mypy"] and mypy[-2:] == ["-p", "sms_mocks"]
    # the import name resolves to the source folder through the script's own link
    link = Path(mypy_env["MYPYPATH"]) / "sms_mocks"
    assert link.is_symlink() and link.resolve() == (ROOT / "mocks").resolve()
    assert Path(mypy_env["MYPYPATH"]).is_relative_to(tmp_path / "venv")
    out = capsys.readouterr().out
    assert "$ " + " ".join(ruff) in out
    assert f"MYPYPATH={mypy_env['MYPYPATH']}" in out
    assert out.rstrip().endswith("scripts/check: clean")


@pytest.mark.parametrize(("exits", "named"), [([1, 0], "ruff"), ([0, 1], "mypy"),
                                              ([1, 2], "ruff, mypy")])
def test_any_failure_fails_the_check_and_both_still_run(
        run: Run, capsys: pytest.CaptureFixture[str], exits: list[int], named: str) -> None:
    run.exits += exits
    assert run.module.main([]) == 1
    assert len(run.calls) == 2
    assert capsys.readouterr().out.rstrip().endswith(f"scripts/check: {named} failed")


def test_a_link_left_by_a_moved_checkout_is_remade(tmp_path: Path) -> None:
    module = _load()
    folder = tmp_path / "typecheck"
    folder.mkdir()
    (folder / "sms_mocks").symlink_to(tmp_path, target_is_directory=True)
    assert module.typecheck_path(tmp_path) == folder
    assert (folder / "sms_mocks").resolve() == (ROOT / "mocks").resolve()


def test_an_unknown_argument_is_refused_with_the_usage(
        run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.module.main(["--fix"]) == 2
    assert run.calls == [] and run.setups == []
    assert "scripts/check" in capsys.readouterr().out


def test_mypy_is_strict_and_comes_with_the_test_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mypy = project["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["python_version"] == "3.11"
    names = {re.split(r"[<>=\[; ]", r, maxsplit=1)[0]
             for r in project["project"]["optional-dependencies"]["test"]}
    assert {"mypy", "ruff", "types-lxml"} <= names


def test_ci_runs_the_check_before_the_tests() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    check = next(i for i, line in enumerate(lines) if "scripts/check" in line)
    tests = next(i for i, line in enumerate(lines) if "scripts/dev.py test" in line)
    assert check < tests
