"""The test's side of the installed-client drivers (tests/clients/drivers/), and what puts the
clients they drive in place: the Node packages (`npm ci`), django-fs-smsc's own venv, and the
system packages, which a test needs and does without only off CI.

A driver is a process that holds one client library: it prints a ready line, then answers one
JSON line per call ({"call": NAME, ...args}) with {"value": ...} or {"raised": {...}}
(drivers/repl.py). The test moves the emulator's clock between calls.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import venv
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).parents[2]
DRIVERS = Path(__file__).parent / "drivers"
NODE_DIR = Path(__file__).parent / "node"
CLIENT_VENVS = ROOT / ".venv" / "clients"
SYMFONY_SMSC = Path("/usr/share/php/Symfony/Component/Notifier/Bridge/Smsc/autoload.php")
# PyPI django-fs-smsc: its own venv, as it installs a top-level `smsc` too (PyPI `smsc` is in the
# project's), and needs Django<4 (smsc/models.py imports ugettext); setup.py names only requests.
DJANGO_FS_SMSC = ("django-fs-smsc==0.1", "Django==3.2.25",
                  "legacy-cgi>=2.6; python_version >= '3.13'")  # Django 3.2 imports cgi


def missing(what: str) -> NoReturn:
    """A tool or package the test cannot do without: a skip on a developer's machine, a failure
    in CI, where .ci/run installs it (the pattern of tests/specs.py and the PHP tests)."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must have {what} (.ci/run installs it)")
    pytest.skip(f"not installed: {what}")


def python_package(distribution: str, pinned: str) -> None:
    """A client of the `clients` extra, in the project's venv (pip install -e '.[test]')."""
    try:
        found = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        missing(f"PyPI {distribution}=={pinned} (pip install -e '.[clients]')")
    else:
        assert found == pinned, f"{distribution} {found} is installed; the tests are for {pinned}"


def php(*extensions: str) -> str:
    found = shutil.which("php")
    if found is not None and extensions:
        loaded = subprocess.run([found, "-m"], capture_output=True, text=True,
                                timeout=30).stdout.split()
        if not set(extensions) <= set(loaded):
            found = None
    if found is None:
        missing("php-cli" + "".join(f", php-{name}" for name in extensions))
    return found


def symfony_smsc_notifier() -> str:
    found = php()  # its HttpClient takes php-curl when it is there, PHP's own streams if not
    if not SYMFONY_SMSC.exists():
        missing("Debian's php-symfony-smsc-notifier")
    return found


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One installer at a time (pytest-xdist workers share the checkout)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, no parallel workers assumed
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def node_modules() -> tuple[str, Path]:
    """node, and tests/clients/node/node_modules as package-lock.json pins it (`npm ci` when it
    is missing or older than the lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing("node and npm")
    modules = NODE_DIR / "node_modules"
    stamp = modules / ".package-lock.json"  # npm writes it on every install
    lock = NODE_DIR / "package-lock.json"
    with _locked(CLIENT_VENVS / "npm.lock"):
        if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR,
                                  capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                missing(f"tests/clients/node's packages; npm ci said:\n{done.stderr[-2000:]}")
    return node, modules


def django_fs_smsc_python() -> Path:
    """The python of .venv/clients/django-fs-smsc, made with pip from PyPI on first use and kept
    while its requirements stay the same."""
    home = CLIENT_VENVS / "django-fs-smsc"
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = home / "requirements.txt"
    wanted = "\n".join(DJANGO_FS_SMSC) + "\n"
    with _locked(CLIENT_VENVS / "django-fs-smsc.lock"):
        if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
            shutil.rmtree(home, ignore_errors=True)
            venv.EnvBuilder(with_pip=False).create(home)
            # the project venv's pip installs into it (pip --python), which saves ensurepip
            done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python),
                                   "install", "--quiet", "--disable-pip-version-check",
                                   *DJANGO_FS_SMSC], capture_output=True, text=True,
                                  timeout=600)
            if done.returncode != 0:
                shutil.rmtree(home, ignore_errors=True)
                missing(f"{home.name}'s venv; pip said:\n{done.stderr[-2000:]}")
            stamp.write_text(wanted)
    return python


class Driver:
    """One driver process and its client; `ready` is what its first line said (the version)."""

    TIMEOUT = 30.0

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.argv = argv
        # a file, not a pipe nobody reads until the end, which a chatty client could fill
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (close)
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, encoding="utf-8", bufsize=1, env={**os.environ, **(env or {})})
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.ready: dict[str, Any] = self._next()["ready"]
        except BaseException:
            self.close()
            raise

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _next(self) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=self.TIMEOUT)
        except queue.Empty:
            line = None
        if line is None:
            raise AssertionError(f"{self.argv[1]} gave no answer:\n{self.stderr()}")
        return json.loads(line)  # type: ignore[no-any-return]

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-4000:]

    def call(self, name: str, **args: Any) -> dict[str, Any]:
        """The whole answer: {"value": ...} or {"raised": {"type", "message", ...}}."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"call": name, **args}) + "\n")
        self.process.stdin.flush()
        return self._next()

    def value(self, name: str, **args: Any) -> Any:
        """What the client returned; a test failure with its exception if it raised."""
        answer = self.call(name, **args)
        if "raised" in answer:
            raise AssertionError(f"{name} raised {answer['raised']}")
        return answer["value"]

    def raised(self, name: str, **args: Any) -> dict[str, Any]:
        """The exception the client raised; a test failure if it returned."""
        answer = self.call(name, **args)
        if "raised" not in answer:
            raise AssertionError(f"{name} returned {answer['value']!r} and raised nothing")
        return answer["raised"]  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
