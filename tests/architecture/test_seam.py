"""The provider seam holds: outside `providers/` (and the conformance kit, which drives each
provider from outside), no module imports a provider package or spells a provider's name in
its code. Docstrings and comments may name them; strings the code uses may not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

MOCKS = Path(__file__).resolve().parents[2] / "mocks"
EXEMPT = ("providers", "conformance")
NAMES = re.compile(r"smsc|sms[-_ ]?pager|targetsms", re.IGNORECASE)


def outside_modules() -> list[Path]:
    return sorted(path for path in MOCKS.rglob("*.py")
                  if path.relative_to(MOCKS).parts[0] not in EXEMPT)


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def leaks(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names]
            if isinstance(node, ast.ImportFrom) and node.module == "sms_mocks.providers":
                modules += [f"sms_mocks.providers.{alias.name}" for alias in node.names]
            for module in modules:
                if module.startswith("sms_mocks.providers."):
                    found.append(f"line {node.lineno}: imports {module}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in skip and NAMES.search(node.value):
            found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return found


@pytest.mark.parametrize("path", outside_modules(), ids=lambda p: str(p.relative_to(MOCKS)))
def test_no_module_outside_providers_knows_a_provider(path: Path) -> None:
    assert leaks(path) == []


def test_the_check_sees_a_leak(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text('"""Names SMSC in its docstring: allowed."""\n'
                      "from sms_mocks.providers.smsc import codes\n"
                      "from sms_mocks.providers import targetsms\n"
                      "KIND = 'smspager'  # not allowed\n", encoding="utf-8")
    assert leaks(module) == ["line 2: imports sms_mocks.providers.smsc",
                             "line 3: imports sms_mocks.providers.targetsms",
                             "line 4: 'smspager'"]
