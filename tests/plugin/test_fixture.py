"""The pytest plugin as users meet it: in their own test runs, also under pytest-xdist."""

from __future__ import annotations

import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread

pytestmark = pytest.mark.slow  # each test runs pytest in a process of its own

ISOLATION = '''
import httpx
import pytest

@pytest.mark.parametrize("n", range(8))
def test_sees_only_its_own_messages(sms_mocks, n):
    acc = sms_mocks.smsc
    for i in range(n + 1):
        r = httpx.get(f"{sms_mocks.url}/sys/send.php", params={
            "login": acc.login, "psw": acc.password, "phones": "79991234567",
            "mes": f"test {n} message {i}", "fmt": 1})
        assert r.text == f"{i + 1},1"
    sms_mocks.advance(60)
    mine = sms_mocks.messages()
    assert [m["text"] for m in mine] == [f"test {n} message {i}" for i in range(n + 1)]
    assert {m["status"] for m in mine} == {"delivered"}
'''


@pytest.mark.parametrize("args", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_tests_never_see_each_others_messages(pytester: pytest.Pytester,
                                              args: list[str]) -> None:
    pytester.makepyfile(test_isolation=ISOLATION)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=8)


def test_readme_example_runs_as_written(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_readme='''
import httpx

def test_sends(sms_mocks):
    acc = sms_mocks.smsc
    httpx.get(f"{sms_mocks.url}/sys/send.php",
              params={"login": acc.login, "psw": acc.password, "phones": "79991234567",
                      "mes": "hi"})
    sms_mocks.advance(60)
    assert sms_mocks.messages()[0]["status"] == "delivered"
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_an_external_emulator_can_be_used(pytester: pytest.Pytester) -> None:
    with ServerThread(load(clock="virtual")) as server:
        pytester.makepyfile(test_external=f'''
def test_uses_the_given_server(sms_mocks):
    assert sms_mocks.url == "{server.url}"
    assert sms_mocks.smsc.login.startswith("t")
''')
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider",
                                               f"--sms-mocks-url={server.url}")
        result.assert_outcomes(passed=1)
        accounts = server.app.runtime.gateway.accounts
        assert len(accounts) == 4  # alex, test, demo, and the account the inner test made
