#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python 3.11+ needed beforehand.

    python3 scripts/dev.py sandbox [serve options]   set up .venv and start the sandbox
    python3 scripts/dev.py test                      set up .venv and run every test (-n auto),
                                                     then the quick ones on the compiled build
    python3 scripts/dev.py test --quick [options]    only the tests not marked slow or external
                                                     (browser, docker, php, processes)
    python3 scripts/dev.py test --compiled [options] these tests on the compiled build only
    python3 scripts/dev.py test [pytest options]     these tests (pure Python)

The compiled build is the wheel that SMS_MOCKS_COMPILE=1 makes (setup.py, mypyc), installed
into .venv/compiled and put first on PYTHONPATH; it is rebuilt when a source has changed. It
needs a C compiler and Python's headers: without them it is skipped, except in CI (CI=true).

Setting up means: create .venv next to this repository and install the project into it
(editable, with the test extras for `test`). It is skipped when pyproject.toml has not changed
since the last install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("SMS_MOCKS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
QUICK = "not slow and not external"
COMPILED = VENV / "compiled"  # the compiled build's packages, for PYTHONPATH


def setup(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run on an older python3
        sys.exit(f"sms-mocks needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extras}]" if extras else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / ".sms-mocks-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"installing sms-gateway-mocks{spec[1:]} into {VENV}", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", spec], cwd=ROOT,
                   check=True)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("sandbox", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "sandbox":
        setup("")
        return subprocess.call([str(BIN / "sms-mocks"), "serve", *rest], cwd=ROOT)
    setup("test")
    compiled_only = "--compiled" in rest
    rest = [a for a in rest if a != "--compiled"]
    if compiled_only:
        return pytest(rest, compiled=True)
    if rest:
        return pytest(rest)
    status = pytest([])
    return pytest(["--quick"], compiled=True) or status


def pytest(args: list[str], compiled: bool = False) -> int:
    env = dict(os.environ)
    env.pop("SMS_GATEWAY_MOCKS_BUILD", None)
    if compiled:
        if not build_compiled():
            return 0
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(COMPILED),
                                                          env.get("PYTHONPATH")]))
        env["SMS_GATEWAY_MOCKS_BUILD"] = "compiled"  # tests/test_compiled.py checks it is
        # (not SMS_MOCKS_…: that prefix is the settings')
        print(f"the compiled build ({COMPILED}):", flush=True)
    if "--quick" in args:  # the markers are declared in pyproject.toml
        args = ["-m", QUICK, *(a for a in args if a != "--quick")]
    # both cores unless told otherwise: the suite is built for pytest-xdist (a server a worker)
    workers = [] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args) \
        else ["-n", "auto"]
    return subprocess.call([str(PYTHON), "-m", "pytest", *workers, *args], cwd=ROOT, env=env)


def build_compiled() -> bool:
    """The compiled build in COMPILED, built unless its sources are unchanged; False (after
    saying why) when this machine cannot compile, which fails in CI."""
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    missing = [what for what, ok in (("a C compiler", shutil.which(compiler)),
                                     ("Python's headers", include.exists())) if not ok]
    if missing:
        message = f"the compiled build needs {' and '.join(missing)}; its tests did not run"
        if os.environ.get("CI") == "true":
            sys.exit(message)
        print(f"SKIPPED: {message}", flush=True)
        return False
    sources = sorted([*(ROOT / "mocks").rglob("*.py"), ROOT / "setup.py", ROOT / "pyproject.toml",
                      *(ROOT / "build_support").glob("*.py")])
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    stamp = COMPILED / ".sms-mocks-compiled"
    if stamp.exists() and stamp.read_text() == digest:
        return True
    print("compiling the hot modules (mypyc, about a minute)", flush=True)
    with tempfile.TemporaryDirectory() as wheels:
        subprocess.run([str(PYTHON), "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--wheel-dir", wheels, "."], cwd=ROOT, check=True,
                       env={**os.environ, "SMS_MOCKS_COMPILE": "1"})
        shutil.rmtree(COMPILED, ignore_errors=True)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--no-deps",
                        "--target", str(COMPILED), *Path(wheels).glob("*.whl")], check=True)
    stamp.write_text(digest)
    return True


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
