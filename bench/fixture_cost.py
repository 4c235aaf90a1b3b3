"""The pytest fixture's cost per test: pytest, in a subprocess, runs a generated file of trivial
tests, N that take only the session's server, N that take `sms_mocks`, and N that take
`sms_mocks` and open an SMSC account (as nearly every real test does), in that order, `repeat`
rounds of each. The difference of the summed test times (set-up, call and tear-down, from
--junitxml) divided by N is the fixture's overhead per test.

The session's server starts in a first test, so its start-up is in no sum. The project's own
pytest configuration is kept out (an empty pytest.ini).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from servers import Broken

KINDS = {
    # kind: the test's parameter and body
    "none": ("sms_mocks_server", "pass"),
    "fixture": ("sms_mocks", "pass"),
    "account": ("sms_mocks", "assert sms_mocks.smsc.login"),
}


def test_file(tests: int, repeat: int) -> str:
    lines = ["def test_start(sms_mocks_server):", "    pass", ""]
    for r in range(repeat):
        for kind, (arg, body) in KINDS.items():
            lines += [line for i in range(tests)
                      for line in (f"def test_{kind}_{r}_{i}({arg}):", f"    {body}", "")]
    return "\n".join(lines)


def run(tests: int, repeat: int) -> dict[str, float]:
    """Milliseconds a test: the fixture's overhead, and with one account opened; medians over
    the rounds."""
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as tmp:
        where = Path(tmp)
        (where / "pytest.ini").write_text("[pytest]\n")
        (where / "test_cost.py").write_text(test_file(tests, repeat))
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "--junitxml=cost.xml", "-o", "junit_duration_report=total",
             "-o", "junit_family=xunit2", "test_cost.py"],
            cwd=where, capture_output=True, text=True, timeout=900, check=False)
        if out.returncode != 0:
            raise Broken(f"fixture probe: pytest exited with {out.returncode}: "
                         f"{out.stdout[-800:]}{out.stderr[-800:]}")
        sums: dict[tuple[str, str], float] = defaultdict(float)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for case in ET.parse(where / "cost.xml").iter("testcase"):
            name = case.get("name", "")
            if name == "test_start":
                continue
            _, kind, r, _ = name.split("_")
            sums[kind, r] += float(case.get("time", "0"))
            counts[kind, r] += 1
    if set(counts.values()) != {tests} or len(counts) != len(KINDS) * repeat:
        raise Broken(f"fixture probe: pytest reported {dict(counts)}, expected {tests} each")
    rounds = [str(r) for r in range(repeat)]

    def per_test(kind: str) -> float:
        return statistics.median((sums[kind, r] - sums["none", r]) / tests * 1000
                                 for r in rounds)

    return {"fixture_ms": per_test("fixture"), "account_ms": per_test("account"),
            "tests": tests, "repeat": repeat}
