"""Which package may lean on which, beyond having no circle: the core and the ASGI helpers
stand on nothing of ours; what is kept on disk, and the control API, do not follow the
settings; uvicorn's inside is reached from one module only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.architecture.imports import graph, package_graph

MOCKS = Path(__file__).resolve().parents[2] / "mocks"
GLUE = MOCKS / "asgi" / "uvicorn_glue.py"
# uvicorn's internal names: reached through asgi/uvicorn_glue.py's hooks, nowhere else
INTERNALS = re.compile(r"\b(server_state|capture_signals|on_tick|timeout_keep_alive_task|"
                       r"HttpToolsProtocol|STATUS_LINE|__wrapped__)\b")


def _packages() -> dict[str, set[str]]:
    return package_graph(graph(MOCKS))


def test_the_core_and_the_asgi_helpers_import_nothing_else_of_ours() -> None:
    packages = _packages()
    assert packages["sms_mocks.core"] == set()
    assert packages["sms_mocks.asgi"] == set()


def test_the_store_and_the_control_api_do_not_depend_on_the_settings() -> None:
    packages = _packages()
    # an account on disk is core's spec (core/account_specs.py), not the control API's view
    assert not packages["sms_mocks.store"] & {"sms_mocks.config", "sms_mocks.control"}
    assert "sms_mocks.config" not in packages["sms_mocks.control"]


def test_only_the_glue_module_imports_uvicorn_s_inside() -> None:
    offenders = []
    for path in MOCKS.rglob("*.py"):
        if path == GLUE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.relative_to(MOCKS)} imports {name}" for name in names
                          if name.startswith("uvicorn.")]
    assert offenders == []


def test_only_the_glue_module_names_uvicorn_s_internals() -> None:
    named = [f"{path.relative_to(MOCKS)}:{number}: {line.strip()}"
             for path in MOCKS.rglob("*.py") if path != GLUE
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if INTERNALS.search(line)]
    assert named == []
    assert INTERNALS.search(GLUE.read_text(encoding="utf-8"))  # the pattern finds them there
