"""The one build step pyproject.toml cannot declare: with SMS_MOCKS_COMPILE=1, the modules
it lists under [tool.sms-mocks.compile] are compiled with mypyc into C extensions, which the
wheel carries beside their sources. Without it (the default) the wheel is pure Python, as is
an editable install.

    SMS_MOCKS_COMPILE=1 pip wheel --no-deps --wheel-dir dist .
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent
SOURCE = Path("build") / "mypyc-src"  # the package under its import name, for mypy
BUILDING = {"build", "build_ext", "bdist_wheel", "editable_wheel"}  # the commands that compile


def compiling() -> bool:
    return os.environ.get("SMS_MOCKS_COMPILE", "0") not in ("", "0")


def compiled_modules() -> list[str]:
    """The modules pyproject.toml lists under [tool.sms-mocks.compile]."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(project["tool"]["sms-mocks"]["compile"]["modules"])


def extensions() -> list[Extension]:
    if not compiling():
        return []
    try:  # a build requirement only when compiling (build_support/backend.py)
        from mypyc.build import mypycify
    except ImportError:
        if not BUILDING.intersection(sys.argv):  # asked for its requirements: mypy comes next
            return []
        raise SystemExit("SMS_MOCKS_COMPILE=1 needs mypy, whose mypyc compiles") from None

    # mypy names a module by its folders: a copy under the import name makes the extensions
    # sms_mocks.core.gateway and so on, whatever the source folder is called.
    shutil.rmtree(ROOT / SOURCE, ignore_errors=True)
    shutil.copytree(ROOT / "mocks", ROOT / SOURCE / "sms_mocks",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    paths = [str(SOURCE.joinpath(*name.split(".")).with_suffix(".py"))
             for name in compiled_modules()]
    return mypycify(["--config-file", "pyproject.toml", *paths], opt_level="3")


def clear_earlier_builds() -> None:
    """setuptools packs whatever build/lib* holds: an extension from an earlier compiled build
    (of a module no longer listed, or in a pure build) must not ride along."""
    if BUILDING.intersection(sys.argv):
        for folder in (ROOT / "build").glob("lib*"):
            shutil.rmtree(folder, ignore_errors=True)


os.chdir(ROOT)  # mypycify takes paths relative to the project
clear_earlier_builds()
setup(ext_modules=extensions())
