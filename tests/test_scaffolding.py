"""The test tree keeps its helpers shared: read from the sources, as a reviewer would.

Every test asserts something (directly or through a helper that does); nothing is imported
from a conftest or another test module; `free_port` and `eventually` exist once; no fixture
other than the top conftest's is called `http` (it is the session emulator's client).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
# Calls that fail a test by themselves: pytest's, pytester's and Playwright's.
FAILING_CALLS = {"raises", "fail", "warns", "assert_outcomes", "fnmatch_lines",
                 "no_fnmatch_line", "expect"}
# hypothesis runs a state machine's @rule and @invariant methods, which assert.
RUNS_ASSERTS_ELSEWHERE = {"runTest"}


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        if "node_modules" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The function's nodes, not those of functions defined inside it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _called(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


@cache
def _facts(function: ast.AST) -> tuple[bool, frozenset[str | None]]:
    """Whether the function asserts by itself, and the names it calls (one walk each)."""
    nodes = list(_own_nodes(function))
    called = frozenset(_called(node) for node in nodes)
    return any(isinstance(node, ast.Assert) for node in nodes) or bool(
        called & FAILING_CALLS), called


def _functions(module: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def asserting_names(modules: list[ast.Module]) -> set[str]:
    """Names of the functions (anywhere under tests/) that assert, or call one that does."""
    calls: dict[str, set[str | None]] = {}
    found = set(RUNS_ASSERTS_ELSEWHERE)
    for module in modules:
        for function in _functions(module):
            asserts, called = _facts(function)
            if asserts:
                found.add(function.name)
            calls.setdefault(function.name, set()).update(called)
    while more := {name for name, called in calls.items()
                   if name not in found and called & found}:
        found |= more
    return found


def silent_tests(trees: list[tuple[Path, ast.Module]]) -> list[str]:
    names = asserting_names([module for _, module in trees])
    silent = []
    for path, module in trees:
        if not path.name.startswith("test_"):
            continue
        for function in _functions(module):
            asserts, called = _facts(function)
            if function.name.startswith("test_") and not asserts and not called & names:
                silent.append(f"{path.relative_to(TESTS)}:{function.lineno} {function.name}")
    return silent


@pytest.fixture(scope="module")
def trees() -> list[tuple[Path, ast.Module]]:
    return list(sources())


def test_every_test_asserts_something(trees: list[tuple[Path, ast.Module]]) -> None:
    assert silent_tests(trees) == []


def test_the_checker_finds_a_test_that_asserts_nothing() -> None:
    module = ast.parse("def helper():\n    return 1\n\n"
                       "def checks(x):\n    assert x\n\n"
                       "def test_silent():\n    helper()\n\n"
                       "def test_nested_assert_is_not_enough():\n"
                       "    def inner():\n        assert False\n\n"
                       "def test_through_a_helper():\n    checks(helper())\n")
    found = silent_tests([(TESTS / "test_example.py", module)])
    assert found == ["test_example.py:7 test_silent",
                     "test_example.py:10 test_nested_assert_is_not_enough"]


def _imports(module: ast.Module) -> Iterator[str]:
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_nothing_is_imported_from_a_conftest_or_a_test_module(
        trees: list[tuple[Path, ast.Module]]) -> None:
    wrong = [f"{path.relative_to(TESTS)} imports {name}" for path, module in trees
             for name in _imports(module)
             if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith(
                 ("conftest", "test_"))]
    assert wrong == []


@pytest.mark.parametrize("name", ["free_port", "eventually"])
def test_a_shared_helper_is_defined_once(trees: list[tuple[Path, ast.Module]],
                                         name: str) -> None:
    defined = [str(path.relative_to(TESTS)) for path, module in trees for node in ast.walk(module)
               if isinstance(node, ast.FunctionDef) and node.name == name]
    assert defined == [f"helpers/{'ports' if name == 'free_port' else 'polling'}.py"]


def test_only_the_session_client_is_called_http(trees: list[tuple[Path, ast.Module]]) -> None:
    fixtures = [str(path.relative_to(TESTS)) for path, module in trees
                for node in ast.walk(module)
                if isinstance(node, ast.FunctionDef) and node.name == "http"
                and any("fixture" in ast.unparse(d) for d in node.decorator_list)]
    assert fixtures == ["conftest.py"]
