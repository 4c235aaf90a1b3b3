"""/_mock/metrics, read with Prometheus's own parser: requests by provider, endpoint and
outcome, a latency histogram, messages by state, balances, pending transitions, the clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import MockAccount
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

SEND = {"mes": "hi", "fmt": "3"}


@pytest.fixture
def own_http() -> Iterator[httpx.Client]:
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url) as client:
        yield client


def scrape(own_http: httpx.Client) -> dict[str, list[Sample]]:
    answer = own_http.get("/_mock/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list[Sample]], name: str, **labels: str) -> float:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v
                                                           for k, v in labels.items())]
    assert len(found) == 1, (name, labels, samples.get(name))
    return found[0]


@pytest.mark.slow
def test_requests_are_counted_by_provider_endpoint_and_outcome(own_http: httpx.Client) -> None:
    for phone in ("79990000001", "79990000002"):
        Smsc(own_http, ALEX_ACCOUNT).send(**SEND, phones=phone)
    Smsc(own_http, MockAccount("smsc", "alex", "bad")).send(**SEND, phones="79990000003")
    own_http.get("/sendsms.php", params={"user": "demo", "pwd": "demo", "balance": "1"})
    samples = scrape(own_http)
    total = "sms_mocks_requests_total"
    assert value(samples, total, provider="smsc", endpoint="send.php", outcome="ok") == 2
    assert value(samples, total, provider="smsc", endpoint="send.php",
                 outcome="error 2 (authorise error)") == 1
    assert value(samples, total, provider="targetsms", endpoint="sendsms.php (balance)",
                 outcome="ok") == 1
    # the latency histogram: cumulative buckets ending in +Inf, which equals the count
    histogram = "sms_mocks_request_duration_seconds"
    where = {"provider": "smsc", "endpoint": "send.php"}
    buckets = [s for s in samples[f"{histogram}_bucket"]
               if all(s.labels[k] == v for k, v in where.items())]
    counts = [s.value for s in buckets]
    assert counts == sorted(counts) and buckets[-1].labels["le"] == "+Inf"
    assert counts[-1] == value(samples, f"{histogram}_count", **where) == 3
    assert 0 < value(samples, f"{histogram}_sum", **where) < 5
    # control-plane requests are not provider requests
    assert {s.labels["provider"] for s in samples[total]} == {"smsc", "targetsms"}


@pytest.mark.slow
def test_messages_by_state_balances_timers_and_the_clock(own_http: httpx.Client) -> None:
    before = scrape(own_http)
    offset = value(before, "sms_mocks_clock_offset_seconds")
    assert -2 < offset <= 0.5  # a virtual clock starts at the last whole second
    assert value(before, "sms_mocks_clock_speed") == 0
    assert value(before, "sms_mocks_account_balance", provider="smsc", account="alex",
                 currency="RUR") == 1000
    for phone in ("79990000001", "79990000002"):
        Smsc(own_http, ALEX_ACCOUNT).send(**SEND, phones=phone)
    sent = scrape(own_http)
    assert value(sent, "sms_mocks_messages", provider="smsc", state="queued") == 2
    assert value(sent, "sms_mocks_pending_transitions") == 2
    health = own_http.get("/_mock/health").json()
    assert health["pending_transitions"] == 2
    balance = float(own_http.get("/sys/balance.php", params={"login": "alex", "psw": "123"}).text)
    assert balance < 1000
    assert value(sent, "sms_mocks_account_balance", provider="smsc", account="alex",
                 currency="RUR") == balance

    own_http.post("/_mock/clock/advance", json={"seconds": 3600})
    later = scrape(own_http)
    assert value(later, "sms_mocks_messages", provider="smsc", state="delivered") == 2
    assert not [s for s in later["sms_mocks_messages"] if s.labels["state"] == "queued"]
    assert value(later, "sms_mocks_pending_transitions") == 0
    assert 3598 < value(later, "sms_mocks_clock_offset_seconds") <= 3600.5
    assert value(later, "sms_mocks_internal_errors_total") == 0
    assert value(later, "sms_mocks_info", version="0.2.0") == 1


@pytest.mark.slow
def test_label_values_are_escaped(own_http: httpx.Client) -> None:
    login = 'a "quoted"\\back\nslash'
    assert own_http.post("/_mock/accounts", json={"provider": "smspager", "login": login,
                                                  "password": "p"}).status_code < 300
    samples = scrape(own_http)
    assert value(samples, "sms_mocks_account_balance", provider="smspager", account=login) \
        == 1000
