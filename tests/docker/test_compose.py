"""compose.yaml agrees with the Dockerfile: the port it publishes is the one exposed, it
mounts exactly the image's volumes, and it sets only real settings; and brought up with the
image built from the Dockerfile, it serves, and another container reaches it by its service
name."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from sms_mocks.cli import known_variables
from tests.docker import engine
from tests.docker.dockerfile import ROOT, stages


def service() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    [(name, spec)] = document["services"].items()
    assert name == "sms-mocks"
    for volume in spec["volumes"]:  # named volumes are declared
        source = volume.split(":")[0]
        if not source.startswith((".", "/")):
            assert source in document["volumes"]
    return spec


def test_it_builds_this_directory_and_publishes_the_exposed_port() -> None:
    spec = service()
    assert spec["build"] == "."
    exposed = stages()[-1].all("EXPOSE")
    assert [p.split(":")[-1] for p in spec["ports"]] == exposed


def test_it_mounts_the_images_volumes() -> None:
    volumes = [v for rest in stages()[-1].all("VOLUME") for v in json.loads(rest)]
    targets = [mount.split(":")[1] for mount in service()["volumes"]]
    assert sorted(targets) == sorted(volumes)


def test_its_environment_is_made_of_settings_and_sets_a_token() -> None:
    environment = service()["environment"]
    assert set(environment) <= known_variables()
    assert "SMS_MOCKS_CONTROL_TOKEN" in environment  # it publishes the port beyond loopback


def test_the_docs_ci_recipes_are_valid_yaml_that_set_real_settings() -> None:
    section = (ROOT / "docs" / "container.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)\n```", section, re.S)
    assert len(blocks) == 2  # GitHub Actions, GitLab CI
    github, gitlab = (yaml.safe_load(block) for block in blocks)
    service = github["jobs"]["test"]["services"]["sms-mocks"]
    assert service["ports"] == ["7214:7214"] and "sms-mocks health" in service["options"]
    [gitlab_service] = gitlab["test"]["services"]
    for env in (service["env"], github["jobs"]["test"]["env"], gitlab_service["variables"],
                gitlab["test"]["variables"]):
        ours = {k for k in env if k.startswith("SMS_MOCKS_")}
        assert ours <= known_variables()
    # the tests' side and the service's side share one token
    assert github["jobs"]["test"]["env"]["SMS_MOCKS_CONTROL_TOKEN"] \
        == service["env"]["SMS_MOCKS_CONTROL_TOKEN"]
    assert gitlab["test"]["variables"]["SMS_MOCKS_CONTROL_TOKEN"] \
        == gitlab_service["variables"]["SMS_MOCKS_CONTROL_TOKEN"]


def test_the_root_filesystem_is_read_only() -> None:
    assert service()["read_only"] is True  # as docs/container.md's `docker run --read-only`


# The second container: it sends as SMSC's alex through the service name, then reads the
# message back through the control plane, without and with the token.
PROBE = """
import json, os, urllib.error, urllib.request
def get(path, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    request = urllib.request.Request("http://sms-mocks:7214" + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
print(json.dumps({
    "send": get("/sys/send.php?login=alex&psw=123&phones=79990000007&mes=via+the+service"),
    "without_token": get("/_mock/messages")[0],
    "with_token": get("/_mock/messages?phone=79990000007", os.environ["PROBE_TOKEN"]),
}))
"""


def compose_command() -> list[str]:
    """`docker compose` (the v2 plugin) where there is one, else Debian's docker-compose
    (1.29, Python; Debian bookworm has no v2 plugin)."""
    if engine.docker("compose", "version", check=False).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    engine.unavailable("neither `docker compose` nor docker-compose is installed "
                       "(Debian: apt-get install docker-compose; .ci/run does)")


def port_free(port: int, wait: float = 60) -> bool:
    """Whether a server could listen on `port` (as Docker's proxy would: SO_REUSEADDR, so
    connections closing there do not count); another checkout's run of this test may be about
    to end."""
    deadline = time.monotonic() + wait
    while True:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("0.0.0.0", port))
                return True
            except OSError:
                if time.monotonic() > deadline:
                    return False
        time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.external
def test_compose_up_serves_and_a_second_container_reaches_it_by_its_service_name(
        image: engine.Image, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command = compose_command()
    version = engine.run([*command, "version"]).stdout.splitlines()[0]
    if not port_free(7214):  # compose.yaml publishes 7214 on every address
        engine.unavailable("port 7214 is taken on this machine (compose.yaml publishes it): "
                           "stop what listens there")
    token = uuid.uuid4().hex
    # the image built from the Dockerfile under compose.yaml's service (no build here; the
    # image's own test builds it), and the probe, run only on demand
    override = tmp_path / "override.yaml"
    override.write_text(json.dumps({"services": {
        "sms-mocks": {"image": image.tag},
        "probe": {"image": image.tag, "entrypoint": ["python", "-c", PROBE],
                  "environment": {"PROBE_TOKEN": token}, "profiles": ["probe"]},
    }}))
    project = f"smsmockstest{uuid.uuid4().hex[:8]}"
    compose = [*command, "--project-name", project, "--project-directory", str(tmp_path),
               "--file", str(ROOT / "compose.yaml"), "--file", str(override)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}

    refused = engine.run([*compose, "config"], env=environment, check=False)
    assert refused.returncode != 0  # no token, no service
    assert "set SMS_MOCKS_CONTROL_TOKEN" in refused.stderr + refused.stdout

    environment["SMS_MOCKS_CONTROL_TOKEN"] = token
    try:
        engine.run([*compose, "up", "--detach", "--no-build", "sms-mocks"], env=environment,
                   timeout=180)
        [container] = engine.run([*compose, "ps", "--quiet", "sms-mocks"],
                                 env=environment).stdout.split()
        inspect = json.loads(engine.docker("inspect", container).stdout)[0]
        assert inspect["HostConfig"]["ReadonlyRootfs"] is True
        assert inspect["Config"]["User"] == "sms-mocks"
        engine.wait_healthy(container)

        probe = engine.run([*compose, "run", "--rm", "probe"], env=environment, timeout=120)
        result = json.loads(probe.stdout.strip().splitlines()[-1])
        assert result["send"][0] == 200 and result["send"][1].startswith("OK - 1 SMS"), result
        assert result["without_token"] == 401
        status, body = result["with_token"]
        assert status == 200
        assert [m["text"] for m in json.loads(body)["messages"]] == ["via the service"]

        # and the host reaches it on the published port
        published = httpx.get("http://127.0.0.1:7214/_mock/messages",
                              params={"phone": "79990000007"},
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert published.status_code == 200 and len(published.json()["messages"]) == 1
    except (AssertionError, subprocess.TimeoutExpired):
        logs = engine.run([*compose, "logs", "--no-color"], env=environment, check=False)
        print(logs.stdout[-4000:], logs.stderr[-2000:])
        raise
    finally:
        engine.run([*compose, "down", "--volumes", "--remove-orphans", "--timeout", "5"],
                   env=environment, check=False, timeout=120)
    engine.report(capsys, f"compose: {version} ({' '.join(command)})")
