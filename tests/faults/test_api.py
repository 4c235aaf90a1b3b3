"""/_mock/faults, [[faults]] in the config file and the fixture helper: rules made, listed,
deleted and restored; bad specs refused with a reason, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.config import ConfigError, load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client


@pytest.fixture(scope="module")
def own() -> Iterator[httpx.Client]:
    """A server of its own: these tests delete every rule and reset."""
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url, timeout=10) as client:
        yield client


def test_a_rule_is_made_listed_read_and_deleted(own: httpx.Client) -> None:
    made = own.post("/_mock/faults", json={"endpoint": "/sys/send.php", "action": "close",
                                           "times": 2, "seed": 9})
    assert made.status_code == 201
    rule = made.json()
    assert rule == {"id": rule["id"], "endpoint": "/sys/send.php", "action": "close",
                    "times": 2, "seed": 9, "hits": 0, "fired": 0, "remaining": 2}
    assert own.get(f"/_mock/faults/{rule['id']}").json() == rule
    assert rule in own.get("/_mock/faults").json()["faults"]
    assert own.delete(f"/_mock/faults/{rule['id']}").json() == {"removed": 1}
    assert own.get(f"/_mock/faults/{rule['id']}").status_code == 404
    assert own.delete(f"/_mock/faults/{rule['id']}").status_code == 404
    assert own.delete("/_mock/faults/nope").status_code == 404


def test_deleting_every_rule_answers_how_many(own: httpx.Client) -> None:
    own.delete("/_mock/faults")
    for _ in range(3):
        own.post("/_mock/faults", json={"provider": "smsc", "action": "reset"})
    assert own.delete("/_mock/faults").json() == {"removed": 3}
    assert own.get("/_mock/faults").json() == {"faults": []}
    assert own.get("/sys/balance.php", params={"login": "alex", "psw": "123"}).text == "1000.00"


@pytest.mark.slow
def test_the_seed_defaults_to_the_servers(tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text('seed = 77\n[[faults]]\nprovider = "smsc"\naction = "close"\n')
    with ServerThread(load(config, clock="virtual")) as server:
        rules = httpx.get(f"{server.url}/_mock/faults").json()["faults"]
    assert [(r["seed"], r["action"]) for r in rules] == [(77, "close")]


@pytest.mark.slow
def test_configured_rules_are_in_force_and_come_back_on_reset(tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text('[[faults]]\nendpoint = "/sys/balance.php"\naction = "status"\n'
                      'status = 502\ntimes = 1\n')
    with ServerThread(load(config, clock="virtual")) as server, \
            http_client(server.url) as http:
        balance = {"login": "alex", "psw": "123"}
        assert http.get("/sys/balance.php", params=balance).status_code == 502
        assert http.get("/sys/balance.php", params=balance).status_code == 200
        http.post("/_mock/faults", json={"provider": "smsc", "action": "close"})
        assert http.post("/_mock/reset").status_code == 200
        rules = http.get("/_mock/faults").json()["faults"]
        assert [(r["action"], r["fired"], r["remaining"]) for r in rules] == [("status", 0, 1)]
        assert http.get("/sys/balance.php", params=balance).status_code == 502


@pytest.mark.parametrize(("toml", "error"), [
    ('faults = "close"', "faults is an array of tables"),
    ('[[faults]]\naction = "explode"', "fault rule 1: action: one of error, status"),
    ('[[faults]]\naction = "error"\nprovider = "smsc"\ncode = 10',
     "fault rule 1: code: one of smsc's documented errors: 1, 2, 3"),
])
def test_bad_configured_rules_stop_the_start(tmp_path: Path, toml: str, error: str) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=error.replace("(", r"\(")):
        load(config)


@pytest.mark.parametrize(("spec", "error"), [
    ({}, "action: one of error, status, delay, close, reset, truncate, garble, dribble, hold"),
    ({"action": "close", "colour": "red"}, "unknown keys for a 'close' rule: colour"),
    ({"action": "error", "code": 1}, "an error rule needs a provider or an endpoint"),
    ({"action": "error", "provider": "smsc", "code": 0}, "code: one of smsc's documented"),
    ({"action": "error", "provider": "smspager", "code": 1}, "code: one of smspager's"),
    ({"action": "error", "provider": "targetsms", "code": 1}, "code: one of targetsms's"),
    ({"action": "error", "provider": "targetsms", "code": "nope"}, "code: one of targetsms's"),
    ({"action": "status", "status": 404}, "status: one of 429, 500, 502, 503, 504"),
    ({"action": "status", "status": 503, "retry_after": -1}, "retry_after: a whole number"),
    ({"action": "delay"}, "a fixed delay needs seconds"),
    ({"action": "delay", "seconds": 601}, "seconds: a number from 0 to 600"),
    ({"action": "delay", "distribution": "uniform", "min": 2, "max": 1},
     "a uniform delay needs min <= max"),
    ({"action": "delay", "seconds": 1, "mu": 0}, "a fixed delay takes seconds, not mu"),
    ({"action": "delay", "distribution": "lognormal", "mu": 0},
     "a lognormal delay needs mu and sigma"),
    ({"action": "garble", "ratio": 0}, "ratio: above 0"),
    ({"action": "dribble", "chunk": 0}, "chunk: a whole number from 1"),
    ({"action": "close", "times": 0}, "times: a whole number from 1"),
    ({"action": "close", "probability": 1.5}, "probability: a number from 0 to 1"),
    ({"action": "close", "seed": "x"}, "seed: a whole number"),
    ({"action": "close", "provider": "twilio"}, "provider: one of smsc, smspager, targetsms"),
    ({"action": "close", "endpoint": "/send.php"}, "endpoint: one of /sys/send.php"),
    ({"action": "close", "provider": "smsc", "endpoint": "/send.xml"},
     "endpoint /send.xml is not smsc's"),
    ({"action": "close", "phone": "call me"}, "phone: not a phone number"),
    ({"action": "close", "account": ""}, "account: a non-empty string"),
    ({"action": "close", "times": True}, "times: a whole number"),
])
def test_bad_specs_are_refused_with_the_reason(own: httpx.Client, spec: dict[str, Any],
                                               error: str) -> None:
    before = own.get("/_mock/faults").json()
    response = own.post("/_mock/faults", json=spec)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert own.get("/_mock/faults").json() == before


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'"close"', b"1e999"])
def test_bodies_that_are_not_rules_are_a_400(own: httpx.Client, body: bytes) -> None:
    response = own.post("/_mock/faults", content=body)
    assert response.status_code == 400 and "error" in response.json()


def test_a_huge_body_is_a_413(own: httpx.Client) -> None:
    response = own.post("/_mock/faults", content=b" " * (65 * 1024))
    assert response.status_code == 413


_KEYS = ["action", "provider", "endpoint", "account", "phone", "text", "times", "probability",
         "seed", "code", "status", "retry_after", "distribution", "seconds", "min", "max", "mu",
         "sigma", "keep", "ratio", "chunk", "interval"]
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["error", "status", "delay", "close", "reset", "truncate", "garble",
                     "dribble", "hold", "smsc", "smspager", "targetsms", "/sys/send.php",
                     "/send.xml", "uniform", "lognormal", "fixed", "no_text", "79991234567"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8))
def test_no_spec_is_a_server_error(own: httpx.Client, spec: dict[str, Any]) -> None:
    # NaN and Infinity too: Python's JSON reader takes them
    response = own.post("/_mock/faults", content=json.dumps(spec).encode())
    assert response.status_code in (201, 400), response.text
    if response.status_code == 201:
        assert own.delete(f"/_mock/faults/{response.json()['id']}").status_code == 200


def test_sandbox_rules_are_removed_when_the_test_ends(sms_mocks: Sandbox) -> None:
    sandbox = Sandbox(sms_mocks.control)
    rule = sandbox.fault(provider="smsc", action="close", times=1)
    assert rule.id in [r["id"] for r in sms_mocks.faults()]
    sandbox.close()
    assert rule.id not in [r["id"] for r in sms_mocks.faults()]
    # one deleted already is no error at the end
    other = sandbox.fault(provider="smsc", action="close", times=1)
    sms_mocks.control.call("DELETE", f"/_mock/faults/{other.id}")
    sandbox.close()
