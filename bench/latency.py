"""Latency at 32 connections: send.php (fmt=3) and the baseline, p50 and p99 of each round (wrk's
own distribution, or loadgen's per-request times), medians over the rounds, and their ratios."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from scenarios import SCENARIOS
from throughput import Plan, measure

CONNECTIONS = 32


@dataclass(frozen=True)
class Latency:
    baseline_p50_ms: float
    baseline_p99_ms: float
    emulator_p50_ms: float
    emulator_p99_ms: float
    rate: float  # the emulator's req/s meanwhile


def run(plan: Plan) -> Latency:
    result = measure(SCENARIOS["smsc"], replace(plan, connections=CONNECTIONS))

    def ms(series: dict[str, list[float]], target: str) -> float:
        return statistics.median(series[target]) / 1000

    return Latency(ms(result.p50_us, "baseline"), ms(result.p99_us, "baseline"),
                   ms(result.p50_us, "emulator"), ms(result.p99_us, "emulator"),
                   result.median(result.rates, "emulator"))
