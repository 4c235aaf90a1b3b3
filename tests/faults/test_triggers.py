"""When a rule fires: what it matches, how often, and the same outcomes for the same seed."""

from __future__ import annotations

import uuid

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.faults.gates import Gate, make_gate

FAIL = {"action": "status", "status": 503}


def outcomes(gate: Gate, count: int) -> str:
    """One letter a request: x for the fault, . for a normal answer."""
    return "".join("x" if gate.balance().status_code == 503 else "." for _ in range(count))


@pytest.mark.slow
def test_a_seeded_thirty_percent_rule_gives_the_same_sequence_every_run(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    def run(seed: int) -> tuple[str, dict[str, object]]:
        gate = make_gate(sms_mocks, http, "smsc")
        rule = sms_mocks.fault(account=gate.account.login, probability=0.3, seed=seed, **FAIL)
        seen = outcomes(gate, 60)
        view = sms_mocks.control.call("GET", f"/_mock/faults/{rule.id}")
        return seen, view

    first, view = run(2024)
    second, _ = run(2024)
    other, _ = run(2025)
    assert first == second
    assert other != first
    assert 6 <= first.count("x") <= 30  # about 30 % of 60
    assert (view["hits"], view["fired"], view["remaining"]) == (60, first.count("x"), None)


def test_times_fires_for_the_next_n_matching_requests(sms_mocks: Sandbox, gate: Gate) -> None:
    rule = sms_mocks.fault(account=gate.account.login, times=2, **FAIL)
    assert outcomes(gate, 4) == "xx.."
    view = sms_mocks.control.call("GET", f"/_mock/faults/{rule.id}")
    assert (view["hits"], view["fired"], view["remaining"]) == (2, 2, 0)


def test_times_and_probability_together_stop_after_n_fires(sms_mocks: Sandbox,
                                                           smsc_gate: Gate) -> None:
    rule = sms_mocks.fault(account=smsc_gate.account.login, times=3, probability=0.5, seed=1,
                           **FAIL)
    seen = outcomes(smsc_gate, 40)
    view = sms_mocks.control.call("GET", f"/_mock/faults/{rule.id}")
    assert seen.count("x") == 3 and seen.endswith("." * 10)
    assert (view["fired"], view["remaining"]) == (3, 0)
    assert view["hits"] == seen.rindex("x") + 1


def test_a_rule_without_a_trigger_fires_every_time(sms_mocks: Sandbox, gate: Gate) -> None:
    sms_mocks.fault(account=gate.account.login, **FAIL)
    assert outcomes(gate, 3) == "xxx"


def test_the_account_criterion_spares_other_accounts(sms_mocks: Sandbox,
                                                     http: httpx.Client) -> None:
    mine, other = make_gate(sms_mocks, http, "smsc"), make_gate(sms_mocks, http, "smsc")
    sms_mocks.fault(account=mine.account.login, **FAIL)
    assert (outcomes(mine, 1), outcomes(other, 1)) == ("x", ".")


def test_an_api_key_names_its_account(sms_mocks: Sandbox, http: httpx.Client) -> None:
    key = uuid.uuid4().hex
    account = sms_mocks.account("smsc", api_keys=[key])
    sms_mocks.fault(account=account.login, **FAIL)
    answer = http.get("/sys/balance.php", params={"apikey": key})
    assert answer.status_code == 503


def test_the_phone_criterion_reads_numbers_as_people_type_them(sms_mocks: Sandbox,
                                                               gate: Gate) -> None:
    sms_mocks.fault(account=gate.account.login, phone="+7 (999) 123-45-67", **FAIL)
    assert gate.send(phone="89991234567").status_code == 503
    assert gate.accepted(gate.send(phone="79161234567"))
    assert gate.balance().status_code == 200  # no number: no match


def test_the_text_criterion_is_a_substring_in_any_case(sms_mocks: Sandbox,
                                                       gate: Gate) -> None:
    sms_mocks.fault(account=gate.account.login, text="ПАРОЛЬ", **FAIL)
    assert gate.send(text="Ваш пароль: 1234").status_code == 503
    assert gate.accepted(gate.send(text="Ваш заказ готов"))


def test_the_endpoint_criterion_spares_other_paths(sms_mocks: Sandbox, gate: Gate) -> None:
    balance = gate.balance_request().url.path
    sms_mocks.fault(account=gate.account.login, endpoint=balance, **FAIL)
    assert gate.balance().status_code == 503
    if balance != gate.endpoint:  # TargetSMS has one path for everything
        assert gate.accepted(gate.send())


def test_the_provider_criterion_spares_other_providers(sms_mocks: Sandbox,
                                                       http: httpx.Client) -> None:
    pager, smsc = make_gate(sms_mocks, http, "smspager"), make_gate(sms_mocks, http, "smsc")
    sms_mocks.fault(provider="smspager", **FAIL)
    assert (outcomes(pager, 1), outcomes(smsc, 1)) == ("x", ".")


def test_the_first_rule_that_fires_takes_the_request(sms_mocks: Sandbox,
                                                     smsc_gate: Gate) -> None:
    login = smsc_gate.account.login
    sms_mocks.fault(account=login, times=1, action="status", status=502)
    sms_mocks.fault(account=login, times=1, action="status", status=504)
    codes = [smsc_gate.balance().status_code for _ in range(3)]
    assert codes == [502, 504, 200]


def test_a_rule_that_does_not_match_counts_no_hit(sms_mocks: Sandbox, smsc_gate: Gate) -> None:
    rule = sms_mocks.fault(account=smsc_gate.account.login, text="never", **FAIL)
    assert smsc_gate.accepted(smsc_gate.send(text="hello"))
    view = sms_mocks.control.call("GET", f"/_mock/faults/{rule.id}")
    assert (view["hits"], view["fired"]) == (0, 0)


@pytest.mark.parametrize("provider", ["smsc", "smspager", "targetsms"])
def test_a_body_read_for_matching_still_reaches_the_endpoint(
        sms_mocks: Sandbox, http: httpx.Client, provider: str) -> None:
    """A rule that reads the body to match, and does not fire, leaves the request whole."""
    gate = make_gate(sms_mocks, http, provider)
    sms_mocks.fault(account=gate.account.login, text="never", **FAIL)
    assert gate.accepted(gate.send(text="Привет, мир"))
    assert [m["text"] for m in sms_mocks.messages()] == ["Привет, мир"]
