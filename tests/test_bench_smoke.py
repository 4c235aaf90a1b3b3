"""bench/ keeps working: each probe runs a tiny case and accounts for everything it did.

These check that the probes run and their bookkeeping holds, never how fast anything is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import advance  # noqa: E402
import attack  # noqa: E402
import fixture_cost  # noqa: E402
import report  # noqa: E402
import startup  # noqa: E402
import throughput  # noqa: E402
from scenarios import SCENARIOS, status_scenario  # noqa: E402

# The built-in load generator reads every answer, so a tiny run checks each body too.
TINY = throughput.Plan(generator="python", rounds=1, duration=0.2, warmup=0.1, connections=2,
                       pause=0.0)


def test_memory_probe_stores_every_message() -> None:
    result = subprocess.run([sys.executable, "bench/memory.py", "--messages", "500"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("MEMORY "))
    report = json.loads(line.removeprefix("MEMORY "))
    assert (report["stored"], report["bad_answers"], report["internal_errors"]) == (500, 0, 0)
    assert report["settled_per_message"] > 0


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


def test_startup_probe_gets_a_good_answer() -> None:
    result = startup.run(1)
    assert 0 < result["median"] < startup.TIMEOUT  # type: ignore[operator]


def test_advance_probe_finishes_every_message() -> None:
    result = advance.run(2000, 1)  # raises Broken if one is left pending
    assert result["fired"] == 4000  # sent, then delivered: two transitions a message


def test_fixture_probe_runs_every_test() -> None:
    result = fixture_cost.run(3, 1)  # raises Broken unless pytest reported all of them
    assert result["tests"] == 3


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
