"""The plugin as pytest users expect of a plugin (issue 24): `sms_mocks_server` is a server,
the session emulator's settings come from a fixture a conftest can override, and a refusal of
the control plane reaches the test as one exception, shown from the test's own line (issue
20)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # each test runs pytest in a process of its own


def test_sms_mocks_server_is_the_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_server='''
import httpx
from sms_mocks.testing.sandbox import ControlClient, SmsMocksServer

def test_it(sms_mocks_server):
    assert isinstance(sms_mocks_server, SmsMocksServer)
    assert sms_mocks_server.url.startswith("http://127.0.0.1:")
    assert isinstance(sms_mocks_server.control, ControlClient)
    assert sms_mocks_server.control.url == sms_mocks_server.url
    assert sms_mocks_server.health()["status"] == "ok"
    assert not sms_mocks_server.external
    assert sms_mocks_server.settings.clock == "virtual"
    assert httpx.get(sms_mocks_server.url + "/_mock/clock").json()["mode"] == "virtual"
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_conftest_overrides_the_settings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('''
import pytest
from sms_mocks.config import load

@pytest.fixture(scope="session")
def sms_mocks_settings():
    return load(clock="virtual", seed=4242, journal_size=3)
''')
    pytester.makepyfile(test_settings='''
import httpx

def test_it(sms_mocks_server, sms_mocks):
    assert (sms_mocks_server.settings.seed, sms_mocks_server.settings.journal_size) == (
        4242, 3)
    acc = sms_mocks.smsc
    for _ in range(5):
        httpx.get(f"{sms_mocks.url}/sys/balance.php",
                  params={"login": acc.login, "psw": acc.password})
    assert len(sms_mocks.journal()) == 3  # the journal keeps what the settings say
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_settings_may_be_a_toml_file(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", emulator='[journal]\nsize = 7\n')
    pytester.makeconftest('''
import pytest

@pytest.fixture(scope="session")
def sms_mocks_settings():
    return "emulator.toml"
''')
    pytester.makepyfile(test_file='''
def test_it(sms_mocks_server):
    assert sms_mocks_server.settings.journal_size == 7
    assert sms_mocks_server.settings.clock == "virtual"
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_wrong_settings_say_what_is_wanted(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('''
import pytest

@pytest.fixture(scope="session")
def sms_mocks_settings():
    return 42
''')
    pytester.makepyfile(test_wrong="def test_it(sms_mocks):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*sms_mocks_settings returns a sms_mocks.config.Settings or "
                                 "the path of a TOML file, not int*"])


def test_a_refusal_is_one_exception_shown_from_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_refused='''
import pytest
import sms_mocks as package

def test_caught(sms_mocks):
    with pytest.raises(package.ControlError) as refused:
        sms_mocks.fault(action="explode")
    assert refused.value.status == 400
    assert refused.value.message.startswith("action: one of error, status, delay")

def test_shown(sms_mocks):
    sms_mocks.outcome("vanish")
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*sms_mocks.outcome(\"vanish\")*",
        "E *sms_mocks.ControlError: POST /_mock/outcomes: 400 outcome*",
    ])
    for frame in ("*mocks/testing/sandbox.py:*", "*mocks/testing/client.py:*"):
        result.stdout.no_fnmatch_line(frame)
