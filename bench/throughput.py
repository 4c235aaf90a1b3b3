"""Throughput (and latency): the emulator and the baseline, each in its own process on loopback,
get the very same requests from the same load generator, in interleaved rounds; medians are
compared.

Both run on the uvicorn server that sms_mocks.serving.server.make_server builds
(serve_target.py); the baseline answers a constant from one bare Starlette route. wrk (with a
.lua script that builds request n as common.py does) when installed, else loadgen.py. A few
answers are read one by one first; after the load, the emulator's own counts must match the
answers (serve_target.py's STATS), since wrk does not read bodies.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from common import LOGIN, PASSWORD
from scenarios import Scenario
from servers import HERE, Broken, Server

SAMPLES = 3  # answers checked one by one before the load
WARM_CHUNK = 3.0  # seconds a warm-up step, for a server that warms up for longer than a step
WARM_GAIN = 1.05  # ... until WARM_PATIENCE steps in a row are no longer this much faster
WARM_PATIENCE = 3  # than the fastest before them


class Target(Protocol):
    """A server under load: serve_target.py's (servers.Server) or a peer's (peers.py)."""

    target: str  # its name in the results
    url: str

    @property
    def expected(self) -> str | None: ...  # its constant answer; None: the scenario judges

    def start(self, path: str) -> Any: ...

    def stop(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Sample:
    """An answer read before the load: what a peer serves as its constant answer."""

    body: bytes
    content_type: str


@dataclass(frozen=True)
class Plan:
    generator: str  # "wrk" or "python"
    rounds: int
    duration: float  # seconds a round
    warmup: float
    connections: int
    uvicorn_loop: bool = False
    pause: float = 0.3  # seconds between rounds, for the last one's sockets to close


@dataclass
class Round:
    rate: float
    requests: int
    p50_us: float
    p99_us: float
    problems: list[str] = field(default_factory=list)


@dataclass
class Result:
    scenario: Scenario
    plan: Plan
    rates: dict[str, list[float]]
    p50_us: dict[str, list[float]]
    p99_us: dict[str, list[float]]
    server: dict[str, object]  # the emulator's STATS

    def median(self, series: dict[str, list[float]], target: str) -> float:
        return statistics.median(series[target])

    @property
    def ratio(self) -> float:
        return self.median(self.rates, "emulator") / self.median(self.rates, "baseline")


def run_wrk(url: str, plan: Plan, duration: float, offset: int, scenario: Scenario) -> Round:
    wrk = shutil.which("wrk")
    assert wrk is not None
    seconds = max(1, round(duration))
    out = subprocess.run(
        [wrk, "-t1", f"-c{plan.connections}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(HERE / scenario.lua), url, "--", str(offset), LOGIN, PASSWORD, "1",
         *scenario.lua_args],
        capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if out.returncode != 0 or line is None:
        raise Broken(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout[-500:]}")
    r = json.loads(line.split(" ", 1)[1])
    problems = [f"wrk {kind} errors: {r[kind]}"
                for kind in ("connect", "read", "write", "status", "timeout") if r[kind]]
    return Round(r["requests"] / (r["duration_us"] / 1e6), r["requests"], r["p50_us"],
                 r["p99_us"], problems)


def run_python(url: str, plan: Plan, duration: float, offset: int,
               scenario: Scenario) -> Round:
    import loadgen

    r = loadgen.load(url, connections=plan.connections, duration=duration, offset=offset,
                     query=scenario.query, body=scenario.body, accepted=scenario.accepted)
    problems = []
    if r.bad_status:
        problems.append(f"{r.bad_status} answers with a status other than 200")
    if r.socket_errors:
        problems.append(f"{r.socket_errors} socket errors")
    if r.error_bodies:
        problems.append(f"{r.error_bodies} error answers, e.g. {r.samples[:1]!r}")
    return Round(r.rate, r.requests, r.percentile(50) * 1e6, r.percentile(99) * 1e6, problems)


def check_samples(server: Target, first: int, scenario: Scenario) -> Sample:
    """SAMPLES requests one by one, their answers read; returns the last."""
    for n in range(first, first + SAMPLES):
        if scenario.query is not None:
            url, data = f"{server.url}?{scenario.query(n)}", None
        else:
            assert scenario.body is not None
            url, data = server.url, scenario.body(n).encode()
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "text/xml"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, raw = answer.status, answer.read()
            content_type = answer.headers.get("Content-Type", "")
        body = raw.decode("utf-8" if scenario.name == "targetsms" else "cp1251")
        if status != 200:
            raise Broken(f"{server.target}: status {status} for {url}")
        expected = server.expected
        good = body == expected if expected is not None else scenario.accepted(n, body)
        if not good:
            raise Broken(f"{server.target} answered {body!r} to {url}")
    return Sample(raw, content_type)


def _judged_by(scenario: Scenario, server: Target) -> Scenario:
    """The scenario as the load generator checks this server's answers."""
    expected = server.expected
    if expected is None or expected == "OK":  # loadgen takes "OK" as the references' answer
        return scenario
    return replace(scenario, accepted=lambda n, answer: answer == expected)


def measure(scenario: Scenario, plan: Plan, *, quiet: bool = False,
            more: Callable[[Sample], list[Target]] | None = None) -> Result:
    """Warm-up rounds, then `plan.rounds` rounds a server, rotating which goes first.

    `more` adds servers (bench/run --peers), given the emulator's answer to serve as theirs."""
    load = run_wrk if plan.generator == "wrk" else run_python
    servers: dict[str, Target] = {
        name: Server(name, plan.uvicorn_loop, scenario.prefill, scenario.stub_send)
        for name in ("baseline", "emulator")}
    problems: list[str] = []
    used = {name: 0 for name in servers}  # request numbers used, never reused
    completed = 0  # the emulator's answered requests
    started: list[Target] = []
    try:
        sample = None
        for server in servers.values():
            started.append(server)
            server.start(scenario.path)
            answer = check_samples(server, 0, scenario)
            sample = answer if server.target == "emulator" else sample
            used[server.target] += SAMPLES
        completed = SAMPLES
        assert sample is not None
        for server in more(sample) if more else []:
            started.append(server)
            server.start(scenario.path)
            check_samples(server, 0, scenario)
            servers[server.target], used[server.target] = server, SAMPLES
        names = list(servers)
        rates: dict[str, list[float]] = {name: [] for name in names}
        p50: dict[str, list[float]] = {name: [] for name in names}
        p99: dict[str, list[float]] = {name: [] for name in names}

        def run(label: str, name: str, duration: float) -> Round:
            nonlocal completed, problems
            server = servers[name]
            r = load(server.url, plan, duration, used[name], _judged_by(scenario, server))
            # wrk counts answers inside its window; up to one request a connection more may
            # have been served, so skip that many numbers.
            used[name] += r.requests + plan.connections
            if name == "emulator":
                completed += r.requests
            problems += [f"{name}, {label}: {p}" for p in r.problems]
            if not quiet:
                print(f"  {scenario.label:<22} {label:>9}  {name:<8} {r.rate:8.0f} req/s  "
                      f"p50 {r.p50_us / 1000:6.2f} ms  p99 {r.p99_us / 1000:6.2f} ms  "
                      f"({r.requests} requests)", flush=True)
            time.sleep(plan.pause)
            return r

        for name in names:
            # A server with a JIT (WireMock's JVM, Mockoon's Node) warms up for at least its
            # least seconds, then until its rate stops rising, within its most; the others
            # for one plan.warmup.
            least, most = getattr(servers[name], "warmup", (plan.warmup, plan.warmup))
            chunk = plan.warmup if most <= plan.warmup else max(plan.warmup, WARM_CHUNK)
            spent, best, stale = 0.0, 0.0, 0
            while spent < most and (spent < least or stale < WARM_PATIENCE):
                rate = run("warm-up", name, chunk).rate
                spent += chunk
                stale = 0 if rate >= best * WARM_GAIN else stale + 1
                best = max(best, rate)
        for i in range(plan.rounds):
            shift = i % len(names)  # with two servers: alternately first
            for name in names[shift:] + names[:shift]:
                r = run(f"round {i + 1}", name, plan.duration)
                rates[name].append(r.rate)
                p50[name].append(r.p50_us)
                p99[name].append(r.p99_us)
    finally:
        stats = {server.target: server.stop() for server in started}
    emulator = stats["emulator"]
    if not emulator:
        raise Broken(f"{scenario.label}: the emulator process did not report its state")
    problems += accounting(scenario, emulator, completed, plan)
    if problems:
        raise Broken(f"{scenario.label}: " + "; ".join(problems))
    return Result(scenario, plan, rates, p50, p99, emulator)


def accounting(scenario: Scenario, stats: dict[str, object], completed: int,
               plan: Plan) -> list[str]:
    """Every answered request did exactly what it should have, by the emulator's own counts."""
    problems = []
    stored = int(stats["stored"])  # type: ignore[call-overload]
    # Requests in flight when a round ended may have been served but not counted.
    in_flight = plan.connections * (plan.rounds + 1)
    if scenario.stores and not completed <= stored <= completed + in_flight:
        problems.append(f"emulator stored {stored} messages for {completed} answered requests")
    if not scenario.stores and stored:
        problems.append(f"emulator stored {stored} new messages, expected none")
    for key, what in (("rejected", "rejected messages"),
                      ("refused", "requests answered with an error"),
                      ("missing", "status reads of a missing message"),
                      ("internal_errors", "internal errors")):
        if stats.get(key):
            problems.append(f"emulator counted {stats[key]} {what}")
    return problems
