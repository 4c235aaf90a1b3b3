"""The conformance scenarios (mocks/conformance/scenarios/) under pytest: every one against the
session's emulator over loopback, and against the real providers when their credentials are in
the environment (README "Conformance"; never in CI)."""

from __future__ import annotations

import os

import pytest

from mocks.conformance.runner import FAIL, SKIP, run_one
from mocks.conformance.scenario import Scenario, all_scenarios
from mocks.conformance.target import Target, real_target
from mocks.testing import Sandbox

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
