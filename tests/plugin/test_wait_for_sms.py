"""wait_for_sms as users meet it: an OTP test in their own run, under xdist too, where tests
sending to the same phone still each get their own code."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # each test runs pytest in a process of its own

OTP_TESTS = '''
import threading
import httpx
import pytest

@pytest.mark.parametrize("n", range(4))
def test_gets_its_own_code(sms_mocks, wait_for_sms, n):
    acc = sms_mocks.smsc
    code = f"{1000 + n}"
    sender = threading.Timer(0.1, httpx.get, args=(f"{sms_mocks.url}/sys/send.php",), kwargs={
        "params": {"login": acc.login, "psw": acc.password, "phones": "79991234567",
                   "mes": f"Your code: {code}"}})
    sender.start()
    sms = wait_for_sms("79991234567", timeout=10)
    sender.join()
    assert (sms["code"], sms["account"]) == (code, acc.login)
'''


@pytest.mark.parametrize("args", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_each_test_waits_for_its_own_sms(pytester: pytest.Pytester, args: list[str]) -> None:
    pytester.makepyfile(test_otp=OTP_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=4)
