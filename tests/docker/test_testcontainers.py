"""docs/container.md's Testcontainers recipe: testcontainers-python starts the image, and the pytest
plugin is pointed at it, so a user's test runs against the container exactly as it does
against the in-process server. The user's side is a pytest run of its own (a subprocess, in a
scratch directory): the same test file, in-process, with the recipe's conftest.py, and with
`--sms-mocks-url` at a container started here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.docker import engine
from tests.docker.dockerfile import ROOT

# A user's test, unchanged whichever emulator it gets. It says where it ran: /_mock/ without
# the token answers 200 to loopback only (the in-process server), 401 through Docker's bridge.
USER_TEST = '''
import httpx


def test_sends(sms_mocks):
    acc = sms_mocks.smsc
    httpx.get(f"{sms_mocks.url}/sys/send.php", params={
        "login": acc.login, "psw": acc.password, "phones": "79991234567",
        "mes": "Your code: 4821"})
    assert sms_mocks.wait_for_sms("79991234567")["code"] == "4821"
    sms_mocks.advance(60)
    assert sms_mocks.messages()[0]["status"] == "delivered"
    where = httpx.get(f"{sms_mocks.url}/_mock/accounts").status_code
    print(f"RAN-AGAINST {sms_mocks.url} {where}")
'''


def recipe() -> str:
    """The conftest.py of docs/container.md (its one Python block)."""
    section = (ROOT / "docs" / "container.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)\n```", section, re.S)
    assert block.startswith("# conftest.py\n")
    return block


def user_run(directory: Path, *options: str) -> tuple[str, int]:
    """`pytest` in `directory`, as a user runs it; (URL, status of /_mock/ untokened)."""
    (directory / "test_user.py").write_text(USER_TEST)
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SMS_MOCKS_", "PYTEST_"))}
    environment["TESTCONTAINERS_RYUK_DISABLED"] = "true"  # its image is on Docker Hub
    result = subprocess.run([sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider",
                             *options], cwd=directory, env=environment, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    found = re.search(r"RAN-AGAINST (\S+) (\d+)", result.stdout)
    assert found is not None, result.stdout
    return found.group(1), int(found.group(2))


def write_recipe(directory: Path, image: engine.Image) -> None:
    text = recipe()
    line = 'IMAGE = "ghcr.io/<owner>/sms-mocks:0.2.0"'
    assert line in text
    (directory / "conftest.py").write_text(text.replace(line, f'IMAGE = "{image.tag}"', 1))


@pytest.fixture
def testcontainers() -> None:
    try:
        import testcontainers  # noqa: F401
    except ImportError:
        engine.unavailable("testcontainers is not installed (pip install -e '.[test]')")


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.usefixtures("testcontainers")
def test_the_same_user_test_runs_in_process_and_against_the_recipes_container(
        image: engine.Image, tmp_path: Path) -> None:
    (tmp_path / "in-process").mkdir()
    url, status = user_run(tmp_path / "in-process")
    assert url.startswith("http://127.0.0.1:") and status == 200

    (tmp_path / "recipe").mkdir()
    write_recipe(tmp_path / "recipe", image)
    before = set(engine.docker("ps", "--all", "--quiet").stdout.split())
    url, status = user_run(tmp_path / "recipe")
    assert status == 401  # through Docker's bridge
    assert set(engine.docker("ps", "--all", "--quiet").stdout.split()) == before  # stopped


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.usefixtures("testcontainers")
def test_the_plugin_pointed_at_a_testcontainer_with_sms_mocks_url(
        image: engine.Image, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import HttpWaitStrategy

    token = uuid.uuid4().hex
    container = (DockerContainer(image.tag)
                 .with_name(f"sms-mocks-test-{uuid.uuid4().hex[:8]}")
                 .with_env("SMS_MOCKS_CLOCK", "virtual")
                 .with_env("SMS_MOCKS_CONTROL_TOKEN", token)
                 .with_exposed_ports(7214)
                 .waiting_for(HttpWaitStrategy(7214, "/_mock/health")))
    try:
        container.start()
        given = (f"http://{container.get_container_host_ip()}:"
                 f"{container.get_exposed_port(7214)}")
        write_recipe(tmp_path, image)  # which steps aside for --sms-mocks-url
        url, status = user_run(tmp_path, f"--sms-mocks-url={given}",
                               f"--sms-mocks-token={token}")
    finally:
        container.stop()  # and removes it
    assert (url, status) == (given, 401)
