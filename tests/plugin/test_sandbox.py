"""The sandbox's one vocabulary (issue 20) and its conventions (issue 24): an account or its
login wherever an account is asked for; `send.php` or `/sys/send.php` wherever an endpoint is;
an account per provider; rules as handles; close() that undoes everything even when a step
fails (bug 4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sms_mocks import ControlError
from sms_mocks.testing.sandbox import ControlClient, MockAccount, Rule, Sandbox

PHONE = "79161234567"


def smsc_send(http: httpx.Client, account: MockAccount, text: str) -> httpx.Response:
    return http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                             "phones": PHONE, "mes": text, "fmt": 3})


def test_each_provider_has_an_account_of_the_test(sms_mocks: Sandbox) -> None:
    accounts = (sms_mocks.smsc, sms_mocks.smspager, sms_mocks.targetsms)
    assert [a.provider for a in accounts] == ["smsc", "smspager", "targetsms"]
    assert accounts == (sms_mocks.smsc, sms_mocks.smspager, sms_mocks.targetsms)  # made once
    logins = {(row["provider"], row["login"])
              for row in sms_mocks.control.call("GET", "/_mock/accounts")["accounts"]}
    assert {(a.provider, a.login) for a in accounts} <= logins
    with pytest.raises(ValueError, match="provider is one of"):
        sms_mocks.account("twilio")


def test_an_account_or_its_login_will_do(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc", balance="10.00")
    sms_mocks.update(account.login, balance="12.00")
    assert sms_mocks.balance(account) == sms_mocks.balance(account.login) == "12.00"
    assert sms_mocks.limits(account.login) == sms_mocks.limits(account)
    sms_mocks.set_limits(account.login, {"smsc.duplicate_send": False})
    assert sms_mocks.limits(account)["smsc.duplicate_send"]["overridden"] is True
    stuck = sms_mocks.outcome("stuck", account=account.login)
    assert (stuck.spec["provider"], stuck.spec["account"]) == ("smsc", account.login)
    fault = sms_mocks.fault(account=account, action="error", code=3, times=1)
    assert (fault.spec["provider"], fault.spec["account"]) == ("smsc", account.login)
    assert smsc_send(http, account, "first").json()["error_code"] == 3
    assert "error" not in smsc_send(http, account, "second").json()
    assert [m["text"] for m in sms_mocks.messages(account=account.login)] == ["second"]
    assert len(sms_mocks.journal(account=account.login)) == 2
    # a login of the server's own accounts, outside the sandbox
    assert sms_mocks.resolve("alex") == MockAccount("smsc", "alex", "")
    with pytest.raises(ControlError, match="no account with the login 'nobody-at-all'"):
        sms_mocks.balance("nobody-at-all")


def test_an_endpoint_is_its_last_part_or_its_path(sms_mocks: Sandbox, http: httpx.Client
                                                  ) -> None:
    account = sms_mocks.smsc
    short = sms_mocks.fault(account=account, endpoint="send.php", action="error", code=3,
                            times=1)
    assert short.spec["endpoint"] == "/sys/send.php"
    assert smsc_send(http, account, "hello").json()["error_code"] == 3
    http.get("/sys/balance.php", params={"login": account.login, "psw": account.password})
    by_path = sms_mocks.journal(endpoint="/sys/send.php")
    assert [e["seq"] for e in by_path] == [e["seq"] for e in sms_mocks.journal(
        endpoint="send.php")] and len(by_path) == 1
    assert len(sms_mocks.journal(endpoint="balance.php")) == 1
    # balance.php is SMSC's and TargetSMS's: the provider picks, else the reason is given
    assert sms_mocks.fault(endpoint="balance.php", provider="targetsms", action="close",
                           times=1).spec["endpoint"] == "/xml/balance.php"
    with pytest.raises(ControlError) as ambiguous:
        sms_mocks.fault(endpoint="balance.php", action="close", times=1)
    assert ambiguous.value.status == 400
    assert ambiguous.value.message == ("endpoint balance.php is ambiguous: /sys/balance.php "
                                       "(smsc), /xml/balance.php (targetsms); give the full "
                                       "path or the provider")


def test_fault_and_outcome_rules_are_the_same_kind_of_handle(sms_mocks: Sandbox) -> None:
    fault = sms_mocks.fault(provider="smsc", account=sms_mocks.smsc, action="close", times=1)
    outcome = sms_mocks.outcome("stuck")
    assert isinstance(fault, Rule) and isinstance(outcome, Rule)
    assert fault.id in [r["id"] for r in sms_mocks.faults()]
    rules = sms_mocks.control.call("GET", "/_mock/outcomes")["rules"]
    assert outcome.id in [r["id"] for r in rules]
    assert fault.remove() is True and outcome.remove() is True
    assert fault.id not in [r["id"] for r in sms_mocks.faults()]
    assert outcome.id not in [r["id"] for r in
                              sms_mocks.control.call("GET", "/_mock/outcomes")["rules"]]
    assert fault.remove() is False and outcome.remove() is False  # gone already: no error
    sms_mocks.close()  # nor at the end


def test_mark_read_says_what_it_does(sms_mocks: Sandbox, http: httpx.Client) -> None:
    sms_mocks.outcome(after="manual")
    smsc_send(http, sms_mocks.smsc, "read me")
    message, = sms_mocks.messages()
    assert sms_mocks.mark_read(message["id"])["status"] == "read"
    assert not hasattr(sms_mocks, "read")


class Flaky(ControlClient):
    """A client whose clock-speed calls fail once `broken` is set, as when the server went
    away in the middle of a teardown."""

    broken = False

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             query: Any = None) -> Any:
        if self.broken and path == "/_mock/clock/speed":
            raise ControlError("the server went away", 0, method, path)
        return super().call(method, path, body, query)


def test_close_runs_every_step_when_one_fails(sms_mocks: Sandbox) -> None:
    """Bug 4: the clock-speed restore failing left the test's fault rules on the shared
    server for every later test."""
    speed = sms_mocks.clock()["speed"]
    client = Flaky(sms_mocks.url)
    sandbox = Sandbox(client)
    try:
        rule = sandbox.fault(provider="smsc", account=sms_mocks.smsc, action="close")
        sandbox.set_clock_speed(speed + 2)  # its restore runs first, and fails
        client.broken = True
        with pytest.raises(ControlError, match="the server went away"):
            sandbox.close()
        assert rule.id not in [r["id"] for r in sms_mocks.faults()]
        assert sandbox.cleanups == []
    finally:
        sms_mocks.control.call("POST", "/_mock/clock/speed", {"speed": speed})
        client.close()


def test_close_raises_the_first_failure_after_the_rest(sms_mocks: Sandbox) -> None:
    sandbox = Sandbox(sms_mocks.control)
    ran: list[str] = []

    def fails(name: str) -> None:
        ran.append(name)
        raise RuntimeError(name)

    sandbox.cleanups += [lambda: ran.append("first made"), lambda: fails("second"),
                         lambda: fails("third made")]
    with pytest.raises(RuntimeError, match="third made"):
        sandbox.close()
    assert ran == ["third made", "second", "first made"]
