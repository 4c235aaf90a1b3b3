"""No import circles in mocks/: neither between modules nor between its top-level packages
(a module at the top is a package of its own). Imports inside functions count: a lazy import
that breaks a circle at run time still ties the two modules together."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.imports import cycles, graph, imported, package_graph

MOCKS = Path(__file__).resolve().parents[2] / "mocks"


def test_no_module_imports_itself_round_a_circle() -> None:
    assert cycles(graph(MOCKS)) == []


def test_no_two_packages_import_each_other() -> None:
    assert cycles(package_graph(graph(MOCKS))) == []


def test_the_walk_sees_lazy_imports_and_skips_type_checking_ones() -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from sms_mocks.b import B\n"
              "def f():\n    from sms_mocks.c import g\n    import sms_mocks.d\n")
    found = imported(ast.parse(source), "sms_mocks.a", False,
                     {"sms_mocks.b", "sms_mocks.c", "sms_mocks.d"})
    assert found == {"sms_mocks.c", "sms_mocks.d"}


def test_a_circle_is_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert package_graph({"sms_mocks.x.m": {"sms_mocks.y.n"},
                          "sms_mocks.y.n": {"sms_mocks.x.k"}}) == {
        "sms_mocks.x": {"sms_mocks.y"}, "sms_mocks.y": {"sms_mocks.x"}}
