"""A cassette becomes goldens in one command (`sms-mocks diff --save-golden`), the golden
suite (tests/golden/test_recorded.py) runs them, the coverage table shows which rows they back,
and no file any of this writes holds a secret."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sms_mocks.cli import main
from sms_mocks.conformance.coverage import load as coverage_rows
from sms_mocks.conformance.coverage import render
from sms_mocks.record import cassette as cassettes
from sms_mocks.record import golden
from sms_mocks.record.redact import secret_forms
from tests.record.upstream import PHONE_FORMS, PLANTED, SECRETS, Recording, Upstream, session

pytestmark = pytest.mark.slow  # an upstream emulator and a recording proxy per test

ROOT = Path(__file__).parents[2]


@pytest.fixture
def saved(upstream: Upstream, recording: Recording, tmp_path: Path,
          capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A session recorded, then diffed with --save-golden into a folder of its own."""
    session(recording.url, upstream.control.advance)
    goldens = tmp_path / "golden"
    code = main(["diff", str(recording.path), "--save-golden", "--golden-dir", str(goldens)])
    assert code == 1  # the planted differences
    return goldens, capsys.readouterr().out


def test_save_golden_writes_each_exchange_to_its_providers_file(saved: tuple[Path, str]) -> None:
    goldens, out = saved
    files = golden.files(goldens)
    assert [p.parent.name for p in files] == ["smsc", "smsc-soap", "smspager", "targetsms"]
    entries = {e["key"]: e for p in files for e in golden.load(p)["golden"]}
    assert sorted(entries) == [f"session-{n:03d}" for n in range(1, 18)]
    assert "saved session-004 to" in out and "the golden suite fails on them" in out
    status = entries["session-003"]  # a status read: its send is its setup
    assert [s["index"] for s in status["steps"]] == [1, 2, 3]
    assert status["recorded_at"].startswith("2026-11-22T05:12:48")
    assert status["redacted"] == ["a listed phone number in the answer",  # of all three steps
                                  "a listed phone number in the path",
                                  "psw in the query", "psw in the request body"]
    assert status["accounts"] == [{"provider": "smsc", "login": "shop",
                                   "password": "REDACTED-1", "api_keys": [], "senders": []}]
    kinds = {p["field"]: p["kind"] for p in status["steps"][-1]["placeholders"]}
    assert kinds == {"last_date": "date", "last_timestamp": "timestamp", "send_date": "date",
                     "send_timestamp": "timestamp", "cost": "money"}


def test_each_golden_says_which_coverage_rows_it_backs(saved: tuple[Path, str]) -> None:
    goldens, _ = saved
    entries = {e["key"]: e for p in golden.files(goldens) for e in golden.load(p)["golden"]}
    covers = {key: [tuple(c) for c in e["covers"]] for key, e in entries.items()}
    assert ("SMSC HTTP", "send.php answer (002)",
            "cost=3 fmt=3 JSON id, cnt, cost, balance") in covers["session-001"]
    assert ("SMSC HTTP", "send.php parameter (002)", "phones") in covers["session-001"]
    assert ("SMSC SOAP", "operation (003)", "get_balance") in covers["session-007"]
    assert ("SMSC SOAP", "operation (003)", "errors in-band in `<error>`") in \
        covers["session-008"]
    assert ("SMS-Pager", "send.xml element (000)", "to number, with its own text") in \
        covers["session-009"]
    assert ("SMS-Pager", "result code (000)", "501") in covers["session-012"]
    assert ("TargetSMS", "error text (001)", "Недостаточно средств для отправки SMS. SMS будет "
            "отправлена как только вы пополните счет по данному направлению.") in \
        covers["session-014"]
    rows = coverage_rows(recorded=goldens)
    dated = {(r.provider, r.kind, r.item): r.recorded for r in rows if r.recorded}
    assert dated[("SMSC SOAP", "operation (003)", "get_balance")] == "2026-11-22"
    assert "| get_balance | yes | `tests/providers/smsc/test_soap_zeep.py::" \
           "test_all_seven_operations` | 2026-11-22 |" in render(rows)
    # docs/coverage.md is drawn from the repository's goldens only, not this folder's
    assert all(not r.recorded for r in coverage_rows())


def test_the_golden_suite_runs_the_saved_goldens(saved: tuple[Path, str]) -> None:
    goldens, _ = saved
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "tests/golden/test_recorded.py"], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={**os.environ, "SMS_MOCKS_RECORDED_GOLDENS": str(goldens)})
    summary = done.stdout.strip().splitlines()[-1]
    assert "4 failed, 30 passed" in summary, done.stdout[-3000:]
    failed = sorted(line.split("[")[1].split("]")[0] for line in done.stdout.splitlines()
                    if line.startswith("FAILED"))
    providers = {4: "smsc", 7: "smsc-soap", 10: "smspager", 14: "targetsms"}
    assert failed == sorted(f"{providers[n]}:session-{n:03d}" for n in PLANTED)


def test_a_saved_golden_runs_as_it_was_judged(saved: tuple[Path, str]) -> None:
    goldens, _ = saved
    judged = []
    for path in golden.files(goldens):
        for entry in golden.load(path)["golden"]:
            verdict = golden.run(entry)
            number = int(entry["key"].rsplit("-", 1)[1])
            judged.append(number)
            assert verdict.match is (number not in PLANTED), verdict.line()
            if number in PLANTED:
                assert PLANTED[number] in verdict.line()
    assert sorted(judged) == list(range(1, 18))  # not vacuous: every exchange ran


def test_saving_again_replaces_the_entries_of_the_same_key(saved: tuple[Path, str],
                                                           recording: Recording) -> None:
    goldens, _ = saved
    before = {p: p.read_text("utf-8") for p in golden.files(goldens)}
    assert main(["diff", str(recording.path), "--save-golden", "--golden-dir", str(goldens),
                 "--exchange", "1"]) == 0
    after = {p: p.read_text("utf-8") for p in golden.files(goldens)}
    assert after == before


def test_no_written_file_holds_a_secret(saved: tuple[Path, str], recording: Recording,
                                        tmp_path: Path) -> None:
    """Every file the recording and the goldens wrote, grepped for every secret in every
    form a request carried it in, and for the listed number however it was written."""
    _, out = saved
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in written} == {"session.json", "recorded.toml"}
    assert len(written) == 5  # no temporary file left behind either
    needles = [form for secret in SECRETS for form in secret_forms(secret)]
    needles += PHONE_FORMS
    for path in written:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (path, needle)
            assert needle.encode("cp1251") not in data, (path, needle)
    for needle in needles:  # nor what was printed
        assert needle not in out and all(needle not in line for line in recording.lines)


def test_a_dry_cassette_cannot_become_a_golden(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    dry = tmp_path / "dry.json"
    cassettes.write_atomically(dry, cassettes.to_json(cassettes.Cassette("x", dry=True)))
    assert main(["diff", str(dry), "--save-golden", "--golden-dir", str(tmp_path)]) == 2
    assert "evidence of nothing" in capsys.readouterr().err


@pytest.mark.parametrize("text", [
    'He said "hi"', 'tri"""ple', "back\\slash\\", "line\nbreak\n", "\r\n", "tab\tand\x00nul",
    "Доставлено", "\x7f\x85", "ends with quote\"", '"""\n"""', "", "a\\\nb",
])
def test_the_toml_writer_reads_back_what_it_wrote(text: str) -> None:
    data = {"source": "recorded", "golden": [{"key": "k", "answer": text, "n": 3,
                                              "list": [[text, "x"]], "table": [{"v": text}],
                                              "steps": [{"answer": text, "ok": True}]}]}
    assert tomllib.loads(golden.dumps(data)) == data
