"""A hypothesis state machine drives all three dialects at once: sends, cancels, clock moves,
status reads and balances. After every step each message reads, through its own provider's
API, the state a model computes from the clock alone, and each account's balance is its start
less what was acknowledged, plus what the rules give back."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.providers.smsc.client import Smsc
from tests.providers.smspager.client import Pager, field
from tests.providers.targetsms.client import Target

pytestmark = pytest.mark.slow  # a long hypothesis state-machine run

START = Decimal("100000.00")
QUEUE, REPORT, VALIDITY = 1.0, 5.0, 24 * 3600.0  # the default timings
# number -> (final state, err); 79000000001 never answers, so it expires with its validity
MAGIC = {"79000001006": ("undelivered", 6), "79000001001": ("undelivered", 1),
         "79000000001": ("expired", 0)}
NO_LIMITS = {"smsc.duplicate_send": False, "smsc.per_number_flood": False,
             "smsc.status_per_message": False, "smsc.duplicate_status_multi": False,
             "smsc.balance_requests": False, "targetsms.duplicate": False}
SMSC_STATUS = {"queued": -1, "sent": 0, "delivered": 1, "expired": 3, "undelivered": 20,
               "cancelled": -2}
TARGET_STATUS = {"queued": "send", "sent": "send", "delivered": "deliver",
                 "expired": "partly_deliver"}
PAGER_GROUP = {"queued": "waiting", "sent": "enqueued", "delivered": "delivered",
               "undelivered": "notDelivered", "expired": "notDelivered", "cancelled": "cancel"}


@dataclass
class Sent:
    provider: str
    handle: str  # what the provider's status call takes: SMSC id, SMS-Pager smsid, TargetSMS id
    phone: str
    at: float
    cost: Decimal
    pay_on_delivery: bool = False
    cancelled: bool = False

    def expected(self, now: float) -> tuple[str, int]:
        if self.cancelled:
            return "cancelled", 0
        age = now - self.at
        if age < QUEUE:
            return "queued", 0
        final, err = MAGIC.get(self.phone, ("delivered", 0))
        if final == "expired":
            return ("sent", 0) if age < VALIDITY else ("expired", 0)
        return ("sent", 0) if age < QUEUE + REPORT else (final, err)

    def refunded(self, now: float) -> bool:
        state, _ = self.expected(now)
        return self.cancelled or (self.pay_on_delivery and state in ("undelivered", "expired"))


class Gateways(RuleBasedStateMachine):
    sandbox: Sandbox
    http: httpx.Client

    def __init__(self) -> None:
        super().__init__()
        self.accounts = {
            "smsc": self.sandbox.account("smsc", balance=str(START), limits=NO_LIMITS),
            "smspager": self.sandbox.account("smspager", balance=str(START),
                                             senders={"Shop": "approved"}),
            "targetsms": self.sandbox.account("targetsms", balance=str(START),
                                              senders={"Shop": "approved"}, limits=NO_LIMITS),
        }
        self.sent: list[Sent] = []
        self.numbers = itertools.count(1)
        self.now = self._clock()

    messages = Bundle("messages")

    def _clock(self) -> float:
        return float(self.sandbox.control.call("GET", "/_mock/clock")["timestamp"])

    def _phone(self, magic: str | None) -> str:
        return magic or f"7916{next(self.numbers):07d}"

    @rule(target=messages, magic=st.sampled_from([None, None, *MAGIC]))
    def send_smsc(self, magic: str | None) -> Sent:
        account, phone = self.accounts["smsc"], self._phone(magic)
        answer = json.loads(Smsc(self.http, account).send(
            phones=phone, mes=f"hello {phone} {len(self.sent)}", fmt=3, cost=3))
        assert "error" not in answer, answer
        return self._keep(Sent("smsc", str(answer["id"]), phone, self.now,
                               Decimal(answer["cost"])))

    @rule(target=messages, magic=st.sampled_from([None, None, *MAGIC]),
          pay_on_delivery=st.booleans())
    def send_pager(self, magic: str | None, pay_on_delivery: bool) -> Sent:
        phone = self._phone(magic)
        fields = {"sender": "Shop"}
        if pay_on_delivery:
            fields["onlydelivery"] = "1"
        answer = self._pager().send(f"hi {len(self.sent)}", phone, **fields)
        assert field(answer, "code") == "1", answer
        return self._keep(Sent("smspager", field(answer, "smsid"), phone, self.now,
                               Decimal(field(answer, "priceOfSending")), pay_on_delivery))

    @rule(target=messages, magic=st.sampled_from([None, None, *MAGIC]))
    def send_target(self, magic: str | None) -> Sent:
        phone = self._phone(magic)
        answer = self._target().send(dadr=phone, text=f"hey {len(self.sent)}", sadr="Shop")
        assert answer.isdigit(), answer
        return self._keep(Sent("targetsms", answer, phone, self.now, self._last_cost()))

    @rule(message=messages)
    def cancel_on_pager(self, message: Sent) -> None:
        if message.provider != "smspager":
            return
        answer = self._pager().cancel(message.handle)
        was_queued = message.expected(self.now)[0] == "queued"
        assert (field(answer, "code") == "1") is True  # a cancel is always answered
        if was_queued:
            message.cancelled = True

    @rule(seconds=st.sampled_from([0.5, 1, 2, 5, 6, 60, 3600, VALIDITY]))
    def advance(self, seconds: float) -> None:
        self.sandbox.advance(seconds)
        self.now += seconds

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def status_reads_as_the_model_says(self, data: st.DataObject) -> None:
        message = data.draw(st.sampled_from(self.sent))
        state, err = message.expected(self.now)
        if message.provider == "smsc":
            account = self.accounts["smsc"]
            got = json.loads(self.http.get("/sys/status.php", params={
                "login": account.login, "psw": account.password, "id": message.handle,
                "phone": message.phone, "fmt": 3}).text)
            assert (got["status"], got["err"]) == (SMSC_STATUS[state], err), (message, got)
        elif message.provider == "targetsms":
            got_text = self._target()(smsid=message.handle)
            expected = TARGET_STATUS.get(state)
            if expected is None:  # undelivered: err 6 (absent) reads "expired"
                expected = "expired" if err == 6 else "not_deliver"
            assert got_text == expected, (message, got_text)
        else:
            answer = self._pager().report(smsid=message.handle)
            group = PAGER_GROUP[state]
            assert (f"detail/{group}/number", message.phone) in answer, (message, answer)

    @invariant()
    def balances_add_up(self) -> None:
        for provider, account in self.accounts.items():
            spent = sum((m.cost for m in self.sent
                         if m.provider == provider and not m.refunded(self.now)), Decimal(0))
            assert Decimal(self.sandbox.balance(account)) == START - spent, provider

    def _keep(self, message: Sent) -> Sent:
        self.sent.append(message)
        return message

    def _pager(self) -> Pager:
        return Pager(self.http, self.accounts["smspager"])

    def _target(self) -> Target:
        return Target(self.http, self.accounts["targetsms"])

    def _last_cost(self) -> Decimal:
        account: MockAccount = self.accounts["targetsms"]
        [newest] = self.sandbox.control.messages(provider="targetsms", account=account.login,
                                                 limit=1)
        return Decimal(newest["cost"])


def test_the_dialects_keep_their_invariants(sms_mocks: Sandbox, http: httpx.Client) -> None:
    Gateways.sandbox, Gateways.http = sms_mocks, http
    runner = Gateways.TestCase()
    runner.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                               suppress_health_check=list(HealthCheck))
    runner.runTest()
