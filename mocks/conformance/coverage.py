"""The coverage table: coverage.toml (the data) rendered as docs/coverage.md's table between
two markers. `python -m sms_mocks.conformance.coverage docs/coverage.md` rewrites it;
`--check` only says whether it is current (tests/conformance/test_coverage.py does both checks
and more).

The `recorded` column comes from the recorded goldens (fixtures/golden/<provider>/recorded.toml,
`sms-mocks diff --save-golden`): a row one of them `covers` is backed by a real exchange, and
shows the date of the newest."""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("coverage.toml")
# beside the package in a checkout; an installed package has none, and no row is recorded
RECORDED = Path(__file__).parents[2] / "fixtures" / "golden"
RECORDED_FILE = "recorded.toml"  # <provider>/recorded.toml, as sms_mocks.record.golden writes
BEGIN = "<!-- coverage table: generated from mocks/conformance/coverage.toml -->"
END = "<!-- end of coverage table -->"
LEVELS = ("yes", "partial", "ignored", "no")
SCENARIO_TEST = "tests/conformance/test_scenarios.py::test_emulator"


@dataclass(frozen=True, slots=True)
class Row:
    provider: str
    kind: str
    item: str
    implemented: str
    test: str  # a pytest node id, "" for a row that is not implemented
    note: str
    recorded: str = ""  # the date of the newest real exchange that backs it, "" for none


def _node_id(test: str, file: str) -> str:
    if not test:
        return ""
    if test.startswith("E:"):
        return f"{SCENARIO_TEST}[{test[2:]}]"
    return test if "::" in test else f"{file}::{test}"


def load(path: Path = DATA, recorded: Path | None = RECORDED) -> list[Row]:
    """The rows; with `recorded` (a folder of goldens), each with its newest recording date."""
    data = tomllib.loads(path.read_text("utf-8"))
    dates = recorded_dates(recorded) if recorded is not None else {}
    rows = []
    for section in data["section"]:
        for item, implemented, test, note in section["rows"]:
            key = (section["provider"], section["kind"], item)
            rows.append(Row(*key, implemented, _node_id(test, section["file"]), note,
                            dates.get(key, "")))
    return rows


def recorded_dates(directory: Path) -> dict[tuple[str, str, str], str]:
    """(provider, kind, item) → the date (YYYY-MM-DD) of the newest recorded golden that
    covers it."""
    # Read here as data, not through sms_mocks.record: record reads this module's rows (to
    # say what an exchange covers), so this module must not import it back.
    dates: dict[tuple[str, str, str], str] = {}
    for path in sorted(directory.glob(f"*/{RECORDED_FILE}")):
        try:
            goldens = tomllib.loads(path.read_text("utf-8")).get("golden", [])
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{path}: {exc}") from None
        for entry in goldens:
            day = str(entry["recorded_at"])[:10]
            for provider, kind, item in entry.get("covers", []):
                key = (str(provider), str(kind), str(item))
                dates[key] = max(dates.get(key, ""), day)
    return dates


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(rows: list[Row]) -> str:
    """The Markdown between the markers: one table per provider and kind."""
    out: list[str] = []
    heading = None
    for row in rows:
        if (row.provider, row.kind) != heading:
            heading = (row.provider, row.kind)
            if out:
                out.append("")
            out += [f"**{row.provider}: {row.kind}**", "",
                    "| item | implemented | shown by | recorded | note |",
                    "| --- | --- | --- | --- | --- |"]
        test = f"`{row.test}`" if row.test else "—"
        out.append(f"| {_cell(row.item)} | {row.implemented} | {_cell(test)} | "
                   f"{row.recorded or '—'} | {_cell(row.note)} |")
    return "\n".join(out)


def updated(readme: str, rows: list[Row]) -> str:
    """`readme` with the text between the markers replaced by the table."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + render(rows) + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sms_mocks.conformance.coverage")
    parser.add_argument("readme", type=Path)
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    args = parser.parse_args(argv)
    text = args.readme.read_text("utf-8")
    new = updated(text, load())
    if args.check:
        print("current" if new == text else "stale: run without --check")
        return 0 if new == text else 1
    args.readme.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
