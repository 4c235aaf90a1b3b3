"""Which of the package's modules this installation runs compiled.

A compiled build (`SMS_MOCKS_COMPILE=1` when building a wheel: setup.py) compiles with mypyc
the modules pyproject.toml lists under [tool.sms-mocks.compile]: the request path (the core,
the hot commands, the HTTP helpers, the journal's recorder, the request log). It carries them
as C extensions beside their sources, which the import system prefers. Every other module,
and every module of a pure build (an editable install, a source install without a compiler),
runs as Python from the same source; both builds pass the same tests (scripts/dev.py test).
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def compiled() -> list[str]:
    """The package's modules installed as C extensions, by name, sorted."""
    found = []
    for path in PACKAGE.rglob("*"):
        suffix = next((s for s in EXTENSION_SUFFIXES if path.name.endswith(s)), None)
        if suffix is not None:
            parts = path.relative_to(PACKAGE).parts
            found.append(".".join(("sms_mocks", *parts[:-1], path.name[:-len(suffix)])))
    return sorted(found)
