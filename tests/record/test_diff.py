"""`sms-mocks diff` against a cassette recorded from the planted-difference upstream: it finds
each planted difference, in all four dialects, with both values, and nothing else."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sms_mocks.cli import main
from sms_mocks.record import cassette as cassettes
from sms_mocks.record import diff
from sms_mocks.record.fields import fields
from sms_mocks.record.template import Template
from sms_mocks.seam.recording import RequestFacts as Facts
from tests.record.upstream import (
    PLANTED,
    SMSC_LOGIN,
    SMSC_PASSWORD,
    TARGET_LOGIN,
    Recording,
    Upstream,
    send,
    session,
)

pytestmark = pytest.mark.slow  # an upstream emulator and a recording proxy per test


@pytest.fixture
def recorded(upstream: Upstream, recording: Recording) -> Path:
    session(recording.url, upstream.control.advance)
    return recording.path


def test_diff_finds_each_planted_difference_and_nothing_else(recorded: Path,
                                                              capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    assert main(["diff", str(recorded)]) == 1
    lines = capsys.readouterr().out.splitlines()
    verdicts = [line for line in lines if line.startswith("#")]
    assert len(verdicts) == 17
    for line in verdicts:
        number = int(line[1:].split()[0])
        if number in PLANTED:
            assert PLANTED[number] in line, line
        else:
            assert line.endswith(" match"), line
    assert lines[-1] == "13 match, 4 differ"


def test_every_dialect_was_compared(recorded: Path) -> None:
    providers = {e.provider for e in cassettes.load(recorded).exchanges}
    assert providers == {"smsc", "smsc-soap", "smspager", "targetsms"}


def test_a_cassette_without_differences_exits_0(upstream: Upstream, recording: Recording,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # requests that meet none of the planted differences
    send(recording.url, "GET", f"/sys/send.php?login={SMSC_LOGIN}&psw={SMSC_PASSWORD}"
                               "&phones=79991112233&mes=Hi&fmt=1")
    upstream.control.advance(30)
    send(recording.url, "GET", f"/sys/status.php?login={SMSC_LOGIN}&psw={SMSC_PASSWORD}"
                               "&phone=79991112233&id=1&fmt=0")
    send(recording.url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd=x&balance=1")
    assert main(["diff", str(recording.path)]) == 0
    out = capsys.readouterr().out
    assert out.count(" match\n") == 3 and out.rstrip().endswith("3 match, 0 differ")


def test_ids_are_mapped_from_the_recorded_ones_to_the_replays(upstream: Upstream,
                                                              recording: Recording) -> None:
    """The upstream has handed out ids before the recording starts, so its ids are not the
    replay's: the status read still names the right message, and its echoed id is checked."""
    for n in range(3):  # SMSC numbers each account's messages: these are shop's 1, 2, 3
        send(upstream.url, "GET", f"/sys/send.php?login={SMSC_LOGIN}&psw={SMSC_PASSWORD}"
                                  f"&phones=7999111000{n}&mes=before")
    answer = send(recording.url, "GET", f"/sys/send.php?login={SMSC_LOGIN}"
                                        f"&psw={SMSC_PASSWORD}&phones=79991112233&mes=A&fmt=3")
    sent = json.loads(answer.body)["id"]
    assert sent == 4
    upstream.control.advance(10)
    send(recording.url, "GET", f"/sys/status.php?login={SMSC_LOGIN}&psw={SMSC_PASSWORD}"
                               f"&phone=79991112233,79991112233&id={sent},{sent}&fmt=3")
    verdicts = diff.run(cassettes.load(recording.path))
    assert [v.line() for v in verdicts if not v.match] == []
    # and an id the replay did not hand out for it is a difference
    recorded = cassettes.load(recording.path)
    body = recorded.exchanges[1].response.body  # type: ignore[union-attr]
    recorded.exchanges[1].response.body = body.with_text(  # type: ignore[union-attr]
        body.text.replace('"id":4', '"id":5', 1))
    lines = [v.line() for v in diff.run(recorded) if not v.match]
    assert len(lines) == 1 and 'id: recorded "5", emulator "1"' in lines[0]


def test_only_the_chosen_exchanges_are_judged(recorded: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(recorded), "--exchange", "3", "--exchange", "4"]) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if line.startswith("#")]
    assert [line.split()[0] for line in out] == ["#3", "#4"]
    assert out[0].endswith(" match")  # its send (#1) was replayed first, unjudged


def test_an_unreadable_cassette_is_one_line_and_exit_2(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"cassette": 99}')
    assert main(["diff", str(bad)]) == 2
    assert "not a cassette" in capsys.readouterr().err


# --- comparing, the way goldens do ---------------------------------------------------------

def _template(provider: str, text: str, **params: str) -> Template:
    facts = Facts(provider, params.pop("command", ""), dict(params))
    return Template.of(text, fields(facts, text))


@pytest.mark.parametrize(("provider", "recorded", "replayed", "same"), [
    ("smsc", "OK - 1 SMS, ID - 123", "OK - 1 SMS, ID - 7", True),
    ("smsc", "OK - 1 SMS, ID - 123", "OK - 2 SMS, ID - 7", False),  # cnt is fixed
    ("smsc", '{"balance":"4.10"}', '{"balance":"998.60"}', True),
    ("smsc", '{"balance":"4.1"}', '{"balance":"998.60"}', False),  # money keeps its decimals
    ("smsc", '{"balance":"4.10"}', '{"balance": "998.60"}', False),  # layout is fixed
    ("smsc", "Status = 1, check_time = 22.11.2026 08:12:44, err = 0",
     "Status = 1, check_time = 01.01.2030 10:00:00, err = 0", True),
    ("smsc", "Status = 1, check_time = 22.11.2026 08:12:44, err = 0",
     "Status = 1, check_time = 2030-01-01 10:00:00, err = 0", False),  # a date keeps its shape
    ("smsc", "-1,1795324358,0", "-1,1795999999,0", True),
    ("smspager", "<data>\n<code>1</code>\n<smsid>9</smsid>\n</data>\n",
     "<data>\n<code>1</code>\n<smsid>12</smsid>\n</data>\n", True),
    ("smspager", "<data>\n<code>1</code>\n</data>\n", "<data>\n<code>501</code>\n</data>\n",
     False),
    ("targetsms", "11,12", "3,4", True),
    ("targetsms", "445.6 RUR\nРоссия:361,МТС:1", "445.6 RUR\nРоссия:12,МТС:0", True),
    ("targetsms", "deliver", "send", False),
])
def test_fixed_text_must_match_and_placeholders_may_vary(provider: str, recorded: str,
                                                         replayed: str, same: bool) -> None:
    params = {"command": "status.php"} if recorded.startswith("-1,") else {}
    template = _template(provider, recorded, **params)
    assert (template.match(replayed, {}) is not None) is same


def test_a_difference_names_its_field_and_both_values() -> None:
    template = _template("smsc", '{"status":1,"err":0}')
    mine = fields(Facts("smsc", ""), template.text)
    line = diff._first_field(template, mine, '{"status":1,"err":6}',
                             fields(Facts("smsc", ""), '{"status":1,"err":6}'), {})
    assert line == 'err: recorded "0", emulator "6"'
    extra = '{"status":1,"err":0,"more":2}'
    assert diff._first_field(template, mine, extra, fields(Facts("smsc", ""), extra), {}) \
        == 'more: recorded (absent), emulator "2"'


def test_verdict_lines_print_to_the_given_stream(recorded: Path) -> None:
    from argparse import Namespace

    from sms_mocks.record.cli import diff as run_diff
    out = io.StringIO()
    code = run_diff(Namespace(cassette=str(recorded), config=None, exchange=None,
                              save_golden=False, golden_dir=""), out)
    assert code == 1 and "13 match, 4 differ" in out.getvalue()


def test_the_wsdl_replays_at_the_upstreams_address(upstream: Upstream,
                                                   recording: Recording) -> None:
    """The replaying emulator says it is where the recording's upstream was, so the WSDL's
    address compares equal; the rest of the WSDL is fixed text."""
    answer = send(recording.url, "GET", "/sys/soap.php?wsdl")
    assert answer.status == 200 and upstream.url.encode() in answer.body
    [verdict] = diff.run(cassettes.load(recording.path))
    assert verdict.match, verdict.line()
