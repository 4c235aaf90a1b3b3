"""The results as rows: a console table, a dated Markdown table, and that table written into
docs/performance.md between two markers (the attack probe's rows into docs/under-attack.md,
between two of their own, so either block can be rewritten without the other)."""

from __future__ import annotations

import datetime
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

START = "<!-- bench:results:start (bench/run --write-readme replaces this block) -->"
END = "<!-- bench:results:end -->"
ATTACK_START = "<!-- bench:attack:start (bench/run --write-readme replaces this block) -->"
ATTACK_END = "<!-- bench:attack:end -->"


@dataclass(frozen=True)
class Row:
    metric: str
    value: str
    target: str = ""  # e.g. "≥ 0.5"; "" when the issue sets none
    ok: bool | None = None  # None: reported, not compared
    test: str = ""  # the test that holds the bound, named in the Markdown table

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("met" if self.ok else "MISSED")


def console(rows: list[Row]) -> str:
    width = max(len(r.metric) for r in rows)
    lines = [f"{'metric':<{width}}  {'value':>10}  {'target':>9}  result"]
    lines += [f"{r.metric:<{width}}  {r.value:>10}  {r.target:>9}  {r.verdict}" for r in rows]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def markdown(rows: list[Row], *, command: str, quick: bool, notes: list[str],
             title: str = "Results") -> str:
    """A self-contained block: heading with the date, the set-up, the table (with a "held by"
    column when a row names its test)."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    kind = "quick run (`--quick`: short rounds, small counts; a smoke test, not the figures)" \
        if quick else "full run"
    lines = [f"#### {title}, {today}, {kind}", "",
             f"`{command}` on {cpu_model()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}.", ""]
    if notes:
        lines += [*(f"- {note}" for note in notes), ""]
    if any(r.test for r in rows):
        lines += ["| metric | value | target | result | held by |",
                  "| --- | ---: | :---: | :---: | --- |"]
        lines += [f"| {r.metric} | {r.value} | {r.target or '—'} | {r.verdict} | "
                  f"{r.test or '—'} |" for r in rows]
    else:
        lines += ["| metric | value | target | result |", "| --- | ---: | :---: | :---: |"]
        lines += [f"| {r.metric} | {r.value} | {r.target or '—'} | {r.verdict} |"
                  for r in rows]
    return "\n".join(lines)


def write_readme(readme: Path, block: str, start: str = START, end: str = END) -> None:
    """Replace what lies between the markers (which must be there) with `block`."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: no {start!r} … {end!r} block to replace")
    readme.write_text(pattern.sub(lambda _: f"{start}\n{block}\n{end}", text, count=1),
                      encoding="utf-8")
