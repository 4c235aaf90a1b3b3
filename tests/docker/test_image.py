"""The image's exact command, outside Docker: the Dockerfile's ENTRYPOINT + CMD with its ENV
(SMS_MOCKS_PORT moved to a free port), in a scratch working directory; then its HEALTHCHECK
command with the same environment, as Docker would run both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.addresses import non_loopback_ipv4
from tests.docker.dockerfile import stages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        return int(sock.getsockname()[1])


def volumes() -> list[str]:
    return [path for line in stages()[-1].all("VOLUME") for path in json.loads(line)]


def container_env(port: int, root: Path) -> dict[str, str]:
    """The image's environment; a setting naming a volume points into `root` instead, where
    Docker would have mounted it."""
    runtime = stages()[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}
    env.update(runtime.env())
    for name, value in env.items():
        if name.startswith("SMS_MOCKS_") and value in volumes():
            env[name] = str(root / value.lstrip("/"))
    env["SMS_MOCKS_PORT"] = str(port)
    # the image installs the console script on PATH; here it is this environment's
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    _, command = stages()[-1].healthcheck()
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)


def test_the_images_command_serves_is_healthy_and_stops_on_docker_stop(tmp_path: Path) -> None:
    runtime = stages()[-1]
    port = free_port()
    env = container_env(port, tmp_path)
    command = runtime.exec_form("ENTRYPOINT") + runtime.exec_form("CMD")
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert f"http://0.0.0.0:{port}" in ready

        result = healthcheck(env)
        assert result.returncode == 0, result.stderr
        assert f"http://127.0.0.1:{port}/_mock/health: ok" in result.stdout

        local = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{local}/sys/balance.php?login=alex&psw=123").text == "1000.00"
        assert httpx.get(f"{local}/_mock/accounts").status_code == 200  # loopback: open
        remote_address = non_loopback_ipv4()
        if remote_address is not None:  # the same server seen from a non-loopback address
            remote = httpx.get(f"http://{remote_address}:{port}/_mock/accounts")
            assert remote.status_code == 403
            assert "SMS_MOCKS_CONTROL_TOKEN" in remote.json()["error"]
        process.send_signal(signal.SIGTERM)  # docker stop
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=15)
    # the warning the container prints, and a JSON line for the provider request
    assert "SMS_MOCKS_CONTROL_TOKEN=TOKEN" in stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [(e["provider"], e["endpoint"], e["account"], e["outcome"], e["status"])
            for e in lines] == [("smsc", "balance.php", "alex", "ok", 200)]
    assert "Traceback" not in stderr
    # the image keeps its sandbox in the /data volume, so a new container resumes it
    assert (tmp_path / "data" / "sandbox.sqlite3").exists()

    stopped = healthcheck(env)  # and the check fails once nothing answers
    assert stopped.returncode == 1
    assert "/_mock/health" in stopped.stderr
