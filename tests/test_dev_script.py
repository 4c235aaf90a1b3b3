"""scripts/dev.py's `test --quick`: the pytest command it runs, and markers that exist."""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[list[str]]]:
    """scripts/dev.py with its venv set-up skipped and its pytest run recorded."""
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls: list[list[str]] = []
    monkeypatch.setattr(module, "setup", lambda extras: None)
    monkeypatch.setattr(module.subprocess, "call",
                        lambda argv, cwd, env: calls.append(argv) or 0)
    return module, calls


def test_quick_leaves_out_slow_and_external_tests(
        dev: tuple[ModuleType, list[list[str]]]) -> None:
    module, calls = dev
    assert module.main(["test", "--quick", "-x", "tests/core"]) == 0
    [argv] = calls
    assert argv[1:] == ["-m", "pytest", "-n", "auto", "-m", "not slow and not external", "-x",
                        "tests/core"]


def test_without_quick_every_test_runs_and_workers_can_be_chosen(
        dev: tuple[ModuleType, list[list[str]]]) -> None:
    module, calls = dev
    module.main(["test", "-n", "0"])
    assert calls[0][1:] == ["-m", "pytest", "-n", "0"]


def test_the_whole_suite_runs_pure_then_quick_on_the_compiled_build(
        dev: tuple[ModuleType, list[list[str]]], monkeypatch: pytest.MonkeyPatch) -> None:
    module, calls = dev
    envs: list[dict[str, str]] = []
    monkeypatch.setattr(module.subprocess, "call",
                        lambda argv, cwd, env: calls.append(argv) or envs.append(env) or 0)
    monkeypatch.setattr(module, "build_compiled", lambda: True)
    assert module.main(["test"]) == 0
    assert [argv[1:] for argv in calls] == [
        ["-m", "pytest", "-n", "auto"],
        ["-m", "pytest", "-n", "auto", "-m", "not slow and not external"]]
    assert "SMS_GATEWAY_MOCKS_BUILD" not in envs[0]
    assert envs[1]["SMS_GATEWAY_MOCKS_BUILD"] == "compiled"
    assert envs[1]["PYTHONPATH"].split(os.pathsep)[0] == str(module.COMPILED)


def test_a_failure_of_either_run_fails_the_command(
        dev: tuple[ModuleType, list[list[str]]], monkeypatch: pytest.MonkeyPatch) -> None:
    module, _ = dev
    monkeypatch.setattr(module, "build_compiled", lambda: True)
    for statuses in ([1, 0], [0, 1]):
        results = iter(statuses)
        monkeypatch.setattr(module.subprocess, "call",
                            lambda argv, cwd, env, results=results: next(results))
        assert module.main(["test"]) == 1


def test_the_quick_expression_names_declared_markers(
        dev: tuple[ModuleType, list[list[str]]]) -> None:
    module, _ = dev
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    declared = {line.split(":")[0] for line in config["ini_options"]["markers"]}
    used = set(re.findall(r"\w+", module.QUICK)) - {"not", "and", "or"}
    assert used == {"slow", "external"} <= declared
    assert "--strict-markers" in config["ini_options"]["addopts"]
