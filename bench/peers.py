"""Peers (bench/run --peers): what a user would pick instead of the emulator to fake SMSC's
send.php, measured beside it under the same load, in the same interleaved rounds.

    WireMock   its standalone jar on the JVM, one static stub
    Mockoon    its CLI on Node.js, one static route

Each serves, at /sys/send.php, the very answer (body and Content-Type) the emulator gave to a
send.php fmt=3 request just before; the emulator meanwhile stores and schedules a new message
for every request. Beside them: the bare Starlette route (the baseline of every ratio) and a bare
ASGI callable on the same uvicorn (the ceiling of any Python app on this server).

Both peers come from the npm registry: the npm package `wiremock` ships WireMock's standalone
jar (no Maven Central needed), `@mockoon/cli` is Mockoon's. They are installed once into CACHE
(SMS_MOCKS_BENCH_CACHE, else ~/.cache/sms-mocks-bench); WireMock also needs java on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import PATH
from report import Row
from servers import Broken, Server
from throughput import Result, Sample, Target

WIREMOCK_VERSION = "3.13.2"
MOCKOON_VERSION = "9.9.0"
PACKAGES = (f"wiremock@{WIREMOCK_VERSION}", f"@mockoon/cli@{MOCKOON_VERSION}")
TOOLS = ("java", "node", "npm")
START_TIMEOUT = 90.0  # a cold JVM on a busy small machine
# Seconds of load before the measured rounds: at least the first, then until the rate stops
# rising (throughput.WARM_GAIN, WARM_PATIENCE), at most the second. On a 2-core machine
# WireMock's JVM sat near 9k req/s for 10 s before its JIT took it to 16k, 30 s into the load;
# Mockoon's Node reached its pace within 6 s.
Warmup = tuple[float, float]
JVM_WARMUP: Warmup = (36.0, 60.0)
NODE_WARMUP: Warmup = (9.0, 20.0)

LABELS = {
    "raw": "raw ASGI callable on uvicorn",
    "baseline": "bare Starlette route on uvicorn",
    "emulator": "sms-mocks send.php fmt=3, every request a new stored, scheduled message",
    "wiremock": f"WireMock {WIREMOCK_VERSION}, one static stub (JVM)",
    "mockoon": f"Mockoon CLI {MOCKOON_VERSION}, one static route",
}


def cache_dir() -> Path:
    configured = os.environ.get("SMS_MOCKS_BENCH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sms-mocks-bench"


def missing() -> list[str]:
    """The tools this machine lacks for the peers; [] when it has them all."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass(frozen=True)
class Installed:
    jar: Path  # WireMock's standalone jar
    mockoon: Path  # the CLI's entry script, run with node


def installed(cache: Path) -> Installed:
    """Where the npm packages put the two, under `cache`."""
    modules = cache / "npm" / "node_modules"
    return Installed(modules / "wiremock" / "build" / f"wiremock-standalone-{WIREMOCK_VERSION}.jar",
                     modules / "@mockoon" / "cli" / "bin" / "run.js")


def install(cache: Path | None = None) -> Installed:
    """Both peers from the npm registry into `cache`, unless they are there already."""
    cache = cache or cache_dir()
    found = installed(cache)
    if found.jar.is_file() and found.mockoon.is_file():
        return found
    prefix = cache / "npm"
    prefix.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    assert npm is not None
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
                           *PACKAGES], capture_output=True, text=True, timeout=600,
                          check=False)
    found = installed(cache)
    if done.returncode != 0 or not (found.jar.is_file() and found.mockoon.is_file()):
        raise Broken(f"npm install {' '.join(PACKAGES)} into {prefix} failed "
                     f"({done.returncode}): {done.stderr.strip()[-800:]}")
    return found


def _id(name: str) -> str:
    """A fixed UUID, so that the same answer makes the same files."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sms-mocks-bench/{name}"))


def wiremock_mapping(sample: Sample) -> dict[str, Any]:
    """One WireMock stub: any GET of PATH, whatever its query, gets the sample's answer."""
    return {"id": _id("wiremock-send"), "request": {"method": "GET", "urlPath": PATH},
            "response": {"status": 200, "body": sample.body.decode("utf-8"),
                         "headers": {"Content-Type": sample.content_type}}}


def mockoon_environment(sample: Sample, port: int) -> dict[str, Any]:
    """A Mockoon environment (its data file) with one route: GET PATH, the sample's answer,
    templating and CORS off, as a static stub."""
    route_id = _id("mockoon-route")
    response = {"uuid": _id("mockoon-response"), "body": sample.body.decode("utf-8"),
                "latency": 0, "statusCode": 200, "label": "send.php fmt=3",
                "headers": [{"key": "Content-Type", "value": sample.content_type}],
                "bodyType": "INLINE", "filePath": "", "databucketID": "",
                "sendFileAsBody": False, "rules": [], "rulesOperator": "OR",
                "disableTemplating": True, "fallbackTo404": False, "default": True,
                "crudKey": "id", "callbacks": []}
    route = {"uuid": route_id, "type": "http", "documentation": "", "method": "get",
             "endpoint": PATH.lstrip("/"), "responses": [response], "responseMode": None,
             "streamingMode": None, "streamingInterval": 0}
    return {"uuid": _id("mockoon-environment"), "lastMigration": 33, "name": "sms-mocks bench",
            "endpointPrefix": "", "latency": 0, "port": port, "hostname": "127.0.0.1",
            "folders": [], "routes": [route], "rootChildren": [{"type": "route", "uuid": route_id}],
            "proxyMode": False, "proxyHost": "", "proxyRemovePrefix": False,
            "tlsOptions": {"enabled": False, "type": "CERT", "pfxPath": "", "certPath": "",
                           "keyPath": "", "caPath": "", "passphrase": ""},
            "cors": False, "headers": [], "proxyReqHeaders": [], "proxyResHeaders": [],
            "data": [], "callbacks": []}


def write_configs(folder: Path, sample: Sample, mockoon_port: int) -> tuple[Path, Path]:
    """(WireMock's root dir, Mockoon's data file) for `sample`, under `folder`."""
    root = folder / "wiremock"
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "__files").mkdir(exist_ok=True)
    (root / "mappings" / "send.json").write_text(json.dumps(wiremock_mapping(sample), indent=2))
    data = folder / "mockoon.json"
    data.write_text(json.dumps(mockoon_environment(sample, mockoon_port), indent=2))
    return root, data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Peer:
    """A peer's process, started and stopped as throughput.measure does a Server."""

    target: str
    command: list[str]  # without the port, which start() picks
    port_flag: str
    expected: str  # the answer it serves
    log: Path  # its output
    warmup: Warmup = (1.0, 1.0)  # least and most seconds, as JVM_WARMUP
    port: int = 0
    url: str = ""
    proc: subprocess.Popen[bytes] | None = None

    def start(self, path: str) -> Peer:
        self.port = self.port or free_port()
        with self.log.open("wb") as log:
            # a session of its own: stop() ends it and whatever it started, and only that
            self.proc = subprocess.Popen([*self.command, self.port_flag, str(self.port)],
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}{path}"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        output = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        raise Broken(f"{self.target} did not start on port {self.port}: {output[-800:]!r}")

    def stop(self) -> dict[str, Any]:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        return {}


class Peers:
    """The servers bench/run --peers adds beside the baseline and the emulator."""

    def __init__(self, tools: Installed, uvicorn_loop: bool = False,
                 warmup: tuple[Warmup, Warmup] = (JVM_WARMUP, NODE_WARMUP)) -> None:
        self.tools = tools
        self.uvicorn_loop = uvicorn_loop
        self.warmup = warmup  # WireMock's, Mockoon's
        self.folder = tempfile.TemporaryDirectory(prefix="sms-mocks-peers-")

    def __call__(self, sample: Sample) -> list[Target]:
        java, node = shutil.which("java"), shutil.which("node")
        assert java is not None and node is not None
        folder, port = Path(self.folder.name), free_port()
        root, data = write_configs(folder, sample, port)
        body = sample.body.decode("utf-8")
        wiremock = Peer("wiremock", [java, "-jar", str(self.tools.jar), "--root-dir", str(root),
                                     "--bind-address", "127.0.0.1", "--disable-banner",
                                     "--no-request-journal"], "--port", body,
                        folder / "wiremock.log", warmup=self.warmup[0])
        mockoon = Peer("mockoon", [node, str(self.tools.mockoon), "start", "--data", str(data),
                                   "--hostname", "127.0.0.1", "--disable-log-to-file"],
                       "--port", body, folder / "mockoon.log", warmup=self.warmup[1], port=port)
        return [Server("raw", self.uvicorn_loop), wiremock, mockoon]

    def close(self) -> None:
        self.folder.cleanup()


def _spread(values: list[float]) -> str:
    return f"{min(values):,.0f}–{max(values):,.0f}" if len(values) > 1 else ""


def rows(result: Result) -> list[Row]:
    """Each server's req/s and its ratio to bare Starlette, fastest first; then the emulator
    against each peer."""
    rates = {name: result.median(result.rates, name) for name in result.rates}
    base = rates["baseline"]
    out = []
    for name in sorted(rates, key=rates.__getitem__, reverse=True):
        spread = _spread(result.rates[name])
        out.append(Row(f"side by side: {LABELS.get(name, name)}, req/s {rates[name]:,.0f}"
                       + (f" ({spread})" if spread else "") + " / bare Starlette's",
                       f"{rates[name] / base:.2f}"))
    emulator = rates["emulator"]
    out.append(Row("side by side: send.php fmt=3 / WireMock's static stub (the gap to WireMock)",
                   f"{emulator / rates['wiremock']:.2f}"))
    out.append(Row("side by side: send.php fmt=3 / Mockoon's static route",
                   f"{emulator / rates['mockoon']:.2f}", "> 1", emulator > rates["mockoon"]))
    return out


def note(result: Result) -> str:
    return (f"Side by side (`--peers`): {result.plan.generator}, {result.plan.connections} "
            f"connections, medians (with the range) of {result.plan.rounds} interleaved "
            f"round(s) of {result.plan.duration:g} s a server, each after a warm-up. WireMock "
            f"{WIREMOCK_VERSION} (`java -jar wiremock-standalone.jar --no-request-journal`) "
            f"and Mockoon CLI {MOCKOON_VERSION} (templating and CORS off) serve the emulator's "
            "own fmt=3 answer as a constant; the emulator stores and schedules a message per "
            "request.")


def skipped(tools: list[str]) -> str:
    return (f"Side by side (`--peers`): skipped, this machine has no {', '.join(tools)} "
            "(WireMock needs java; both peers install with npm).")
