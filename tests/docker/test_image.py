"""The real image: the project's Dockerfile built (engine.py) and run the way
docs/container.md tells users to (its first `docker run`: the unprivileged user, a read-only
root filesystem, /data a volume), published on a free loopback port instead of 7214. From the
host, through Docker's bridge, as a user's tests would reach it."""

from __future__ import annotations

import json
import re
import shlex
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.docker import engine
from tests.docker.dockerfile import ROOT
from tests.helpers.polling import eventually

SIZE_GOAL_MB = 150
PHONE = "79991234567"


def readme_run() -> list[str]:
    """The arguments of the first `docker run` of docs/container.md's build-it-yourself block
    (the plain block that starts with `docker build`)."""
    text = (ROOT / "docs" / "container.md").read_text(encoding="utf-8")
    blocks = [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)
              if not lang and body.startswith("docker build ")]
    assert blocks, "docs/container.md has no block that starts with `docker build`"
    commands = blocks[0].replace("\\\n", " ").splitlines()
    [first, *_] = [c for c in commands if c.startswith("docker run ")]
    return shlex.split(first)[2:]


@dataclass
class Running:
    name: str
    volume: str
    url: str
    token: str
    started: float  # monotonic, just before `docker run`
    ready: float  # /_mock/health answered
    healthy: float  # Docker's HEALTHCHECK said so

    def control(self, path: str, token: str | None = "own", **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token if token == 'own' else token}"} \
            if token else {}
        return httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=10)


def start(image: engine.Image, healthy: bool = True, volume: str | None = None) -> Running:
    """`docker run -d` with the docs' arguments: its image name becomes the test image,
    `-p 7214:7214` a free loopback port, the volume's name one of this test's (or `volume`);
    no --rm, so the exit code can be read after `docker stop`."""
    args = readme_run()
    assert args[-1] == "sms-gateway-mocks"
    assert "--read-only" in args
    volume_at = args.index("-v") + 1
    named, _, target = args[volume_at].partition(":")
    assert target == "/data" and not named.startswith(("/", ".", "$"))
    [token] = [a.split("=", 1)[1] for a in args if a.startswith("SMS_MOCKS_CONTROL_TOKEN=")]
    suffix = uuid.uuid4().hex[:8]
    name, volume = f"sms-mocks-test-{suffix}", volume or f"sms-mocks-test-data-{suffix}"
    args[volume_at] = f"{volume}:/data"
    args[args.index("7214:7214")] = "127.0.0.1::7214"
    args = [a for a in args[:-1] if a != "--rm"]
    began = time.monotonic()
    engine.docker("run", "--detach", "--name", name, *args, image.tag)
    try:
        url = engine.published(name)
        ready = wait_ready(url, name)
        return Running(name, volume, url, token, began, ready,
                       engine.wait_healthy(name) if healthy else 0.0)
    except BaseException:
        logs = engine.docker("logs", name, check=False)
        engine.remove(name, volumes=[volume])
        raise AssertionError(f"{name} did not start:\n{logs.stdout}{logs.stderr}") from None


def wait_ready(url: str, name: str, timeout: float = 30) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_mock/health", timeout=2).status_code == 200:
                return time.monotonic()
        except httpx.TransportError:
            pass
        if not engine.container_state(name).get("Running"):
            raise AssertionError(f"{name} exited: {engine.container_state(name)}")
        time.sleep(0.05)
    raise AssertionError(f"{name}: no answer on {url}/_mock/health within {timeout} s")


@pytest.fixture(scope="module")
def running(image: engine.Image) -> Iterator[Running]:
    container = start(image)
    yield container
    engine.remove(container.name, volumes=[container.volume])


def send_by_each_provider(url: str, text: str) -> dict[str, str]:
    """One send as each provider's documented built-in account; the answers' bodies."""
    smsc = httpx.get(f"{url}/sys/send.php", params={"login": "alex", "psw": "123",
                                                    "phones": PHONE, "mes": text}, timeout=10)
    smspager = httpx.post(f"{url}/send.xml", timeout=10, content=(
        "<?xml version='1.0' encoding='UTF-8'?><data><login>test</login>"
        f"<password>123456</password><text>{text}</text><to number='{PHONE}'></to></data>"
    ).encode())
    targetsms = httpx.get(f"{url}/sendsms.php", params={
        "user": "demo", "pwd": "demo", "sadr": "TargetSMS", "dadr": PHONE, "text": text},
        timeout=10)
    for answer in (smsc, smspager, targetsms):
        assert answer.status_code == 200, answer.text
    return {"smsc": smsc.text, "smspager": smspager.text, "targetsms": targetsms.text}


@pytest.mark.slow
@pytest.mark.external
def test_it_runs_as_the_unprivileged_user_on_a_read_only_root(running: Running) -> None:
    inspect = json.loads(engine.docker("inspect", running.name).stdout)[0]
    assert inspect["Config"]["User"] == "sms-mocks"
    status = engine.docker("exec", running.name, "cat", "/proc/1/status").stdout
    uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)", status, re.M)
    assert uids is not None and uids.groups() == ("10001", "10001")  # the server itself
    assert "10001" in engine.docker("exec", running.name, "id", "-u").stdout
    assert inspect["HostConfig"]["ReadonlyRootfs"] is True
    written = engine.docker("exec", running.name, "touch", "/opt/sms-mocks/x", check=False)
    assert written.returncode != 0 and "Read-only file system" in written.stderr
    [data] = [m for m in inspect["Mounts"] if m["Destination"] == "/data"]
    assert data["Type"] == "volume" and data["Name"] == running.volume and data["RW"]
    files = engine.docker("exec", running.name, "ls", "-n", "/data").stdout
    assert re.search(r"10001\s+10001\s+\d+ .* sandbox\.sqlite3$", files, re.M), files


@pytest.mark.slow
@pytest.mark.external
def test_the_healthcheck_reports_healthy(running: Running,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    state = engine.container_state(running.name)
    assert state["Health"]["Status"] == "healthy"
    last = state["Health"]["Log"][-1]
    assert last["ExitCode"] == 0 and "/_mock/health: ok" in last["Output"]
    engine.report(capsys, f"docker run to healthy (HEALTHCHECK): "
                          f"{running.healthy - running.started:.1f} s; to the first answer of "
                          f"/_mock/health: {running.ready - running.started:.1f} s")


@pytest.mark.slow
@pytest.mark.external
def test_each_provider_answers_a_send(running: Running) -> None:
    answers = send_by_each_provider(running.url, "hello from the host")
    assert answers["smsc"].startswith("OK - 1 SMS, ID - "), answers["smsc"]
    assert "<code>1</code>" in answers["smspager"], answers["smspager"]
    assert re.fullmatch(r"\d+", answers["targetsms"].strip()), answers["targetsms"]
    sent = running.control("/_mock/messages", phone=PHONE, text="hello from the host")
    assert sorted(m["provider"] for m in sent.json()["messages"]) \
        == ["smsc", "smspager", "targetsms"]
    # and a JSON line each on stderr (SMS_MOCKS_LOG_FORMAT=json; written after the answer),
    # no traceback
    expected = {("smsc", "send.php", "ok"), ("smspager", "send.xml", "ok"),
                ("targetsms", "sendsms.php", "ok")}
    def logged() -> tuple[str, set[tuple[str, str, str]]]:
        logs = engine.docker("logs", running.name).stderr
        lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
        return logs, {(e["provider"], e["endpoint"].split()[0], e["outcome"]) for e in lines}

    logs, _ = eventually(logged, lambda seen: seen[1] == expected, timeout=5, interval=0.05)
    assert "Traceback" not in logs


@pytest.mark.slow
@pytest.mark.external
def test_from_outside_the_control_plane_needs_the_token(running: Running) -> None:
    refused = running.control("/_mock/accounts", token=None)
    assert refused.status_code == 401
    assert "needs the control token" in refused.json()["error"]
    assert running.control("/_mock/accounts", token="not-it").status_code == 401
    assert running.control("/_mock/messages", token=None).status_code == 401
    admitted = running.control("/_mock/accounts")
    assert admitted.status_code == 200
    assert {"alex", "test", "demo"} <= {a["login"] for a in admitted.json()["accounts"]}


@pytest.mark.slow
@pytest.mark.external
def test_a_message_survives_docker_restart_and_docker_stop_exits_0_within_2_s(
        image: engine.Image, capsys: pytest.CaptureFixture[str]) -> None:
    container = start(image, healthy=False)
    try:
        send_by_each_provider(container.url, "kept across restarts")
        before = container.control("/_mock/messages", text="kept across restarts").json()

        engine.docker("restart", container.name)
        container.url = engine.published(container.name)  # a new host port, maybe
        wait_ready(container.url, container.name)
        after = container.control("/_mock/messages", text="kept across restarts").json()
        assert len(after["messages"]) == 3
        assert [(m["id"], m["provider"]) for m in after["messages"]] \
            == [(m["id"], m["provider"]) for m in before["messages"]]

        began = time.monotonic()
        engine.docker("stop", container.name)  # SIGTERM, SIGKILL after 10 s
        stopped = time.monotonic() - began
        state = engine.container_state(container.name)
        engine.report(capsys, f"docker stop: exit {state['ExitCode']} after {stopped:.2f} s")
        assert state["ExitCode"] == 0 and not state["OOMKilled"]
        assert stopped < 2

        # a new container on the same volume resumes the sandbox too
        engine.docker("rm", "--volumes", container.name)  # anonymous ones: /config
        again = start(image, healthy=False, volume=container.volume)
        try:
            resumed = again.control("/_mock/messages", text="kept across restarts").json()
            assert len(resumed["messages"]) == 3
        finally:
            engine.remove(again.name)
    finally:
        engine.remove(container.name, volumes=[container.volume])


@pytest.mark.slow
@pytest.mark.external
def test_the_image_size(image: engine.Image, capsys: pytest.CaptureFixture[str]) -> None:
    engine.report(capsys, f"image {image.tag}: {image.size / 1e6:.1f} MB "
                          f"({image.size / 2**20:.1f} MiB) on {image.runtime_base}; "
                          f"built in {image.build_seconds:.1f} s (the bases: "
                          f"{image.base_seconds:.1f} s, 0 when reused); Docker {image.engine}")
    assert image.size / 1e6 <= SIZE_GOAL_MB
