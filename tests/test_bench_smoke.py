"""bench/ keeps working: each probe runs a tiny case and accounts for everything it did.

These check that the probes run and their bookkeeping holds, never how fast anything is."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import advance  # noqa: E402
import attack  # noqa: E402
import fixture_cost  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import startup  # noqa: E402
import throughput  # noqa: E402
from scenarios import SCENARIOS, status_scenario  # noqa: E402

# The built-in load generator reads every answer, so a tiny run checks each body too.
TINY = throughput.Plan(generator="python", rounds=1, duration=0.2, warmup=0.1, connections=2,
                       pause=0.0)


@pytest.mark.slow
def test_memory_probe_stores_every_message() -> None:
    result = subprocess.run([sys.executable, "bench/memory.py", "--messages", "500"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("MEMORY "))
    report = json.loads(line.removeprefix("MEMORY "))
    assert (report["stored"], report["bad_answers"], report["internal_errors"]) == (500, 0, 0)
    assert report["settled_per_message"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_throughput_probe_accounts_for_every_answer(name: str) -> None:
    scenario = SCENARIOS[name]
    if scenario.prefill:
        scenario = status_scenario(prefill=2000)
    result = throughput.measure(scenario, TINY, quiet=True)  # raises Broken on a bad answer
    assert result.rates["emulator"][0] > 0 and result.rates["baseline"][0] > 0
    assert result.p50_us["emulator"][0] > 0 and result.p99_us["emulator"][0] > 0
    assert result.server["stored"] if scenario.stores else not result.server["stored"]


def test_the_wrk_scripts_build_the_same_requests() -> None:
    """The .lua scripts and common.py must agree, or the emulator's accounting would fail."""
    names = {s.lua for s in SCENARIOS.values()}
    assert names == {"get.lua", "pager.lua", "soap.lua"}
    for name in names:
        assert 'dofile(dir .. "wrk_report.lua")' in (ROOT / "bench" / name).read_text()


@pytest.mark.slow
def test_startup_probe_gets_a_good_answer() -> None:
    result = startup.run(1)
    assert 0 < result["median"] < startup.TIMEOUT  # type: ignore[operator]


@pytest.mark.slow
def test_advance_probe_finishes_every_message() -> None:
    result = advance.run(2000, 1)  # raises Broken if one is left pending
    assert result["fired"] == 4000  # sent, then delivered: two transitions a message


@pytest.mark.slow
def test_fixture_probe_runs_every_test() -> None:
    result = fixture_cost.run(3, 1)  # raises Broken unless pytest reported all of them
    assert result["tests"] == 3


@pytest.mark.slow
def test_attack_probe_accounts_for_every_attack() -> None:
    """Each attack, small; the idle sockets still wait out the server's 10 s head deadline."""
    sizes = attack.Sizes(idle=20, half=5, head_mib=1, posts=20, messages=2000, samples=3,
                         reads=5, rounds=1)
    result = attack.measure(sizes, quiet=True)  # raises Broken on a bad answer
    assert (result["idle"]["closed"], result["idle"]["spoke"]) == (25, 0)
    assert result["head"]["got"] in ("431", "closed")
    assert (result["json"]["deep"], result["json"]["declared"]) == (400, 413)
    assert (result["health"]["internal_errors"], result["tracebacks"]) == (0, 0)
    assert result["reads"]["sends_during"] > 0 and result["reads"]["pages_during"] == 5
    rows = attack.rows(result)
    assert len(rows) == 11 and all(row.test for row in rows)
    assert "held by" in report.markdown(rows, command="bench/run", quick=True, notes=[])


def test_report_replaces_only_the_results_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{report.START}\nold\n{report.END}\nafter\n")
    rows = [report.Row("a ratio", "0.61", "≥ 0.5", True), report.Row("a figure", "3")]
    block = report.markdown(rows, command="bench/run", quick=True, notes=["set-up"])
    report.write_readme(readme, block)
    text = readme.read_text()
    assert "old" not in text and "before\n" in text and text.endswith(f"{report.END}\nafter\n")
    assert "| a ratio | 0.61 | ≥ 0.5 | met |" in text and "quick run" in text
    assert text.count(report.START) == 1


def test_report_replaces_the_attack_block_on_its_own(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{report.START}\nmain\n{report.END}\n"
                      f"{report.ATTACK_START}\nold\n{report.ATTACK_END}\n")
    rows = [report.Row("a status", "400", "400", True, test="`tests/x.py::test_y`")]
    block = report.markdown(rows, command="bench/run", quick=False, notes=[],
                            title="Under attack")
    report.write_readme(readme, block, report.ATTACK_START, report.ATTACK_END)
    text = readme.read_text()
    assert "\nmain\n" in text and "old" not in text and "#### Under attack, " in text
    assert "| a status | 400 | 400 | met | `tests/x.py::test_y` |" in text


SAMPLE = throughput.Sample(b'{"id":1,"cnt":1,"cost":"1.40","balance":"99999998.60"}',
                           "application/json")


def test_peer_configs_serve_the_emulators_answer_at_send_php(tmp_path: Path) -> None:
    root, data = peers.write_configs(tmp_path, SAMPLE, 40123)
    mapping = json.loads((root / "mappings" / "send.json").read_text())
    assert mapping["request"] == {"method": "GET", "urlPath": "/sys/send.php"}
    assert mapping["response"] == {"status": 200, "body": SAMPLE.body.decode(),
                                   "headers": {"Content-Type": "application/json"}}
    environment = json.loads(data.read_text())
    assert (environment["port"], environment["hostname"]) == (40123, "127.0.0.1")
    (route,) = environment["routes"]
    assert (route["method"], route["endpoint"]) == ("get", "sys/send.php")
    assert environment["rootChildren"] == [{"type": "route", "uuid": route["uuid"]}]
    (response,) = route["responses"]
    assert (response["body"], response["statusCode"], response["headers"]) == (
        SAMPLE.body.decode(), 200, [{"key": "Content-Type", "value": "application/json"}])
    assert response["disableTemplating"] and not environment["cors"]
    # the same answer makes the same files
    again = tmp_path / "again"
    peers.write_configs(again, SAMPLE, 40123)
    assert (again / "mockoon.json").read_text() == data.read_text()


def _result(rates: dict[str, list[float]]) -> throughput.Result:
    return throughput.Result(SCENARIOS["smsc"], TINY, rates, {}, {}, {})


def test_peer_rows_give_each_ratio_and_the_gaps() -> None:
    rows = peers.rows(_result({"baseline": [20000, 22000, 21000], "raw": [35000] * 3,
                               "emulator": [7000, 8000, 7500], "wiremock": [23000] * 3,
                               "mockoon": [2000, 2200, 2100]}))
    values = {row.metric.split(",")[0].removeprefix("side by side: "): row for row in rows}
    assert [r.value for r in rows[:5]] == ["1.67", "1.10", "1.00", "0.36", "0.10"]  # fastest first
    assert "req/s 7,500 (7,000–8,000)" in rows[3].metric
    gap = next(r for r in rows if "gap to WireMock" in r.metric)
    assert gap.value == f"{7500 / 23000:.2f}"
    mockoon = next(r for r in rows if r.metric.endswith("Mockoon's static route"))
    assert (mockoon.value, mockoon.ok) == (f"{7500 / 2100:.2f}", True)
    assert "sms-mocks send.php fmt=3" in values
    slower = peers.rows(_result({"baseline": [1.0], "raw": [1.0], "emulator": [1.0],
                                 "wiremock": [1.0], "mockoon": [2.0]}))
    assert slower[-1].verdict == "MISSED"


def _bench_run() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("bench_run", str(ROOT / "bench" / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_peers_without_java_or_npm_are_skipped_and_said_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers.shutil, "which",
                        lambda tool: None if tool in ("java", "npm") else f"/usr/bin/{tool}")
    assert peers.missing() == ["java", "npm"]
    rows: list[report.Row] = []
    notes: list[str] = []
    _bench_run().side_by_side(TINY, rows, notes, False)  # would raise if it tried to install
    assert rows == []
    assert notes == [peers.skipped(["java", "npm"])] and "no java, npm" in notes[0]


@pytest.mark.slow
@pytest.mark.external
def test_peers_serve_beside_the_emulator() -> None:
    lacking = peers.missing()
    if lacking:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {', '.join(lacking)} (.ci/run installs them)")
        pytest.skip(f"no {', '.join(lacking)}: bench/run --peers skips the peers too")
    tools = peers.install()  # from the npm registry into the cache, once
    servers = peers.Peers(tools, warmup=((0.1, 0.1), (0.1, 0.1)))
    try:
        # the built-in generator reads every answer: WireMock's are chunked, Mockoon's are not
        result = throughput.measure(SCENARIOS["smsc"], TINY, quiet=True, more=servers)
    finally:
        servers.close()
    assert set(result.rates) == {"baseline", "emulator", "raw", "wiremock", "mockoon"}
    assert all(rates[0] > 0 for rates in result.rates.values())
    assert result.server["stored"]
    assert len(peers.rows(result)) == 7
