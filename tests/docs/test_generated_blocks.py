"""The pages that hold generated parts keep the markers their generators write between, once
each: `bench/run --write-readme` and `python -m sms_mocks.conformance.coverage`."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from sms_mocks.conformance import coverage
from tests.docs.pages import DOCS, ROOT, read


def bench_report() -> ModuleType:
    """bench/report.py, loaded by path: bench/ is scripts, not a package."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_performance_holds_the_results_block_and_under_attack_the_attack_block() -> None:
    report = bench_report()
    performance, attack = read(DOCS / "performance.md"), read(DOCS / "under-attack.md")
    assert performance.count(report.START) == performance.count(report.END) == 1
    assert attack.count(report.ATTACK_START) == attack.count(report.ATTACK_END) == 1
    assert report.ATTACK_START not in performance and report.START not in attack
    assert "--write-readme" in read(ROOT / "bench" / "run")
    assert '"under-attack.md"' in read(ROOT / "bench" / "run")  # where the attack block goes


def test_the_coverage_page_holds_the_generated_table_once() -> None:
    text = read(DOCS / "coverage.md")
    assert text.count(coverage.BEGIN) == text.count(coverage.END) == 1
