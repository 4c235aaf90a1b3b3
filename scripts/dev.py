#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python 3.11+ needed beforehand.

    python3 scripts/dev.py sandbox [serve options]   set up .venv and start the sandbox
    python3 scripts/dev.py test [pytest options]     set up .venv and run every test (-n auto)
    python3 scripts/dev.py test --quick [options]    the same, without the tests marked slow or
                                                     external (browser, docker, php, processes)

Setting up means: create .venv next to this repository and install the project into it
(editable, with the test extras for `test`). It is skipped when pyproject.toml has not changed
since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("SMS_MOCKS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
QUICK = "not slow and not external"


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
    if "--quick" in rest:  # the markers are declared in pyproject.toml
        rest = [a for a in rest if a != "--quick"]
        rest = ["-m", QUICK, *rest]
    # both cores unless told otherwise: the suite is built for pytest-xdist (a server a worker)
    workers = [] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in rest) \
        else ["-n", "auto"]
    return subprocess.call([str(PYTHON), "-m", "pytest", *workers, *rest], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
