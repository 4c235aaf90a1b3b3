"""The package installed as users install it (a wheel, not editable) into a project that has
a `mocks` package of its own, which is common: pytest still loads the plugin, and a fixture
test passes there (issue 20). Slow: it makes a virtual environment and installs into it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROJECT_MOCKS = '''"""The project's own test doubles: nothing to do with sms_mocks."""

def otp_text(code: str) -> str:
    return f"Your code: {code}"
'''

PROJECT_TEST = '''
import threading
import urllib.parse
import urllib.request

import sms_mocks as package
from PROJECT_PACKAGE import otp_text


def test_the_installed_package_is_used():
    assert "site-packages" in package.__file__, package.__file__


def test_an_otp_arrives(sms_mocks, wait_for_sms):
    acc = sms_mocks.smsc
    query = urllib.parse.urlencode({"login": acc.login, "psw": acc.password,
                                    "phones": "79991234567", "mes": otp_text("4821")})
    sender = threading.Thread(target=lambda: urllib.request.urlopen(
        f"{sms_mocks.url}/sys/send.php?{query}", timeout=10).read())
    sender.start()
    sms = wait_for_sms("79991234567")
    sender.join()
    assert (sms["code"], sms["account"]) == ("4821", acc.login)
'''


def _run(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    # none of this checkout's settings leak in: no PYTHONPATH, no SMS_MOCKS_ variables
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith(("SMS_MOCKS_", "PYTEST_"))}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
def test_a_wheel_install_works_beside_a_mocks_package_of_the_project(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], tmp_path, 120)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                      str(ROOT), "pytest"], tmp_path, 900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    project = tmp_path / "project"
    (project / "mocks").mkdir(parents=True)
    (project / "mocks" / "__init__.py").write_text(PROJECT_MOCKS)
    (project / "tests").mkdir()
    # the project imports its own `mocks` (spelled out here only, so that no line of this
    # checkout imports the folder name: tests/test_packaging.py)
    (project / "tests" / "test_login.py").write_text(
        PROJECT_TEST.replace("PROJECT_PACKAGE", "mocks"))
    ran = _run([str(python), "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"],
               project, 300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout
