"""The conformance scenarios (mocks/conformance/scenarios/) under pytest: every one against the
session's emulator over loopback, and against the real providers when their credentials are in
the environment (docs/conformance.md; never in CI)."""

from __future__ import annotations

import os

import pytest

from sms_mocks.conformance.runner import FAIL, PASS, SKIP, run_one
from sms_mocks.conformance.scenario import Scenario, all_scenarios
from sms_mocks.conformance.target import Credentials, Target, real_target
from sms_mocks.testing.sandbox import Sandbox

SCENARIOS = all_scenarios()


def _verdict(scenario: Scenario, target: Target, record: pytest.RecordProperty,
             may_skip: bool = True) -> None:
    if scenario.follows:  # where the real service differs from its document, which one won
        record("follows", scenario.follows)
    outcome = run_one(scenario, target)
    if outcome.verdict == SKIP and not may_skip:
        pytest.fail(f"skipped where it must run: {outcome.detail}", pytrace=False)
    if outcome.verdict == SKIP:
        pytest.skip(outcome.detail)
    if outcome.verdict == FAIL:
        pytest.fail(outcome.detail, pytrace=False)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_emulator(scenario: Scenario, sms_mocks: Sandbox,
                  record_property: pytest.RecordProperty) -> None:
    target = Target(sms_mocks.url)
    assert target.emulator
    # CI installs curl, php-cli and php-soap: there a skip would hide a gap
    _verdict(scenario, target, record_property, may_skip=not os.environ.get("CI"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_real_service(scenario: Scenario, record_property: pytest.RecordProperty) -> None:
    if os.environ.get("CI"):
        pytest.skip("never against the real services in CI")
    target = real_target(scenario.provider, dict(os.environ))
    if target is None:
        prefix = scenario.provider.upper()
        pytest.skip(f"set {prefix}_LOGIN and {prefix}_PASSWORD to run against the real service")
    _verdict(scenario, target, record_property)


# What a real service runs: without the spend switch only what is free, with it also what
# sends; never what needs the control API. Checked below by treating the emulator as a real
# service would be treated, so these paths are not first run against a paying account.
FREE = {
    "smsc-price_without_sending", "smsc-wrong_password_is_error_2",
    "smsc-parameter_and_format_errors", "smsc-balance_reads_are_limited",
    "smsc-unknown_message_status", "smsc-soap_with_zeep", "smsc-soap_with_php",
    "smsc-ignored_parameters_change_nothing", "smsc-identical_cost_requests_are_limited",
    "smspager-check_counts_without_sending", "smspager-curl_posts_xml",
    "smspager-httpx_posts_xml",
    "smspager-login_errors_500_501",
    "smspager-parameter_errors_502_503_504", "smspager-malformed_xml_is_700",
    "targetsms-request_error_texts", "targetsms-same_request_twice_in_a_minute",
    "targetsms-wrong_login_and_unknown_message", "targetsms-httpx_reads_the_balance",
}
SPENDING = {
    "smsc-send_status_balance", "smsc-answer_forms", "smsc-duplicate_send_is_error_9",
    "smsc-curl_sends_and_reads", "smsc-httpx_sends_and_reads",
    "smspager-send_report_balance",
    "targetsms-send_status_balance", "targetsms-detail_read_by_php_unserialize",
    "targetsms-curl_sends_and_reads",
}
SENDERS = {"smsc": {"SMSC": "approved"}, "smspager": {"SMS-Pager": "approved"},
           "targetsms": {"Shop": "approved"}}


@pytest.mark.parametrize("spend", [False, True], ids=["free", "spend"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_as_a_real_service(scenario: Scenario, spend: bool, sms_mocks: Sandbox) -> None:
    made = sms_mocks.account(scenario.provider, senders=SENDERS[scenario.provider])
    sender = "Shop" if scenario.provider == "targetsms" else ""
    target = Target(sms_mocks.url, control_api=False, spend=spend, phone="79161234567",
                    credentials={scenario.provider: Credentials(made.login, made.password,
                                                                sender)})
    outcome = run_one(scenario, target)
    runs = scenario.id in FREE or (spend and scenario.id in SPENDING)
    assert outcome.verdict == (PASS if runs else SKIP), outcome.detail


def test_every_scenario_is_free_spending_or_emulator_only() -> None:
    emulator_only = {
        "smsc-refusals_3_6_8", "smsc-scheduled_send_waits", "smsc-validity_expires",
        "smspager-scheduled_send_then_cancel", "smspager-validity_expires",
        "targetsms-account_error_texts",
    }
    assert FREE.isdisjoint(SPENDING) and emulator_only.isdisjoint(FREE | SPENDING)
    assert {s.id for s in SCENARIOS} == FREE | SPENDING | emulator_only


def test_the_environment_names_the_real_services() -> None:
    environ = {"SMSC_LOGIN": "me", "SMSC_PASSWORD": "pw", "TARGETSMS_LOGIN": "t",
               "TARGETSMS_PASSWORD": "tp", "TARGETSMS_SENDER": "Shop",
               "TARGETSMS_URL": "https://sandbox.example", "SMSPAGER_LOGIN": "no-password",
               "CONFORMANCE_SPEND": "1", "CONFORMANCE_PHONE": "79991234567"}
    smsc = real_target("smsc", environ)
    assert smsc is not None
    assert (smsc.base("smsc"), smsc.credentials["smsc"], smsc.spend, smsc.phone) == (
        "https://smsc.ru", Credentials("me", "pw"), True, "79991234567")
    targetsms = real_target("targetsms", environ)
    assert targetsms is not None
    assert (targetsms.base("targetsms"), targetsms.credentials["targetsms"].sender) == (
        "https://sandbox.example", "Shop")
    assert real_target("smspager", environ) is None  # a login without its password
    unspent = real_target("smsc", {"SMSC_LOGIN": "me", "SMSC_PASSWORD": "pw"})
    assert unspent is not None and unspent.spend is False
