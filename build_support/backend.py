"""setuptools' build backend, plus mypyc and what its type check needs when the build
compiles (SMS_MOCKS_COMPILE=1, setup.py): mypy, the runtime dependencies and their stubs.
A pure build requires nothing more than setuptools."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403 - every hook setuptools offers, as it offers it

COMPILE_REQUIRES = ["mypy>=1.11", "types-lxml>=2024.4"]


def _compile_requires() -> list[str]:
    if os.environ.get("SMS_MOCKS_COMPILE", "0") in ("", "0"):
        return []
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*COMPILE_REQUIRES, *project["dependencies"]]


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*build_meta.get_requires_for_build_wheel(config_settings), *_compile_requires()]


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*build_meta.get_requires_for_build_editable(config_settings), *_compile_requires()]
