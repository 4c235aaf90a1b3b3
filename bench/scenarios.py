"""The calls the throughput probe measures: each dialect's main call, with how to build request
number n and how to tell that its answer is a success."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from common import (
    PAGER_PATH,
    PATH,
    SOAP_PATH,
    STATUS_BATCH,
    STATUS_PATH,
    TARGET_PATH,
    pager_body,
    query,
    soap_body,
    status_query,
    target_query,
)

# Messages a status.php emulator holds: at the ~10k req/s it reaches here each message is read
# about three times a minute, under SMSC's five (smsc.status_per_message stays on).
STATUS_PREFILL = 200_000


@dataclass(frozen=True)
class Scenario:
    """One dialect's call, measured against the same constant route."""

    name: str  # as --scenario names it
    label: str  # as the table names it
    path: str
    lua: str
    accepted: Callable[[int, str], bool]  # (n, answer) -> whether answer n is a success
    target: float = 0.0  # the ratio it should reach; 0: none set
    query: Callable[[int], str] | None = None  # GET with this query...
    body: Callable[[int], str] | None = None  # ...or POST this body
    lua_args: tuple[str, ...] = ()  # after OFFSET LOGIN PASSWORD THREADS
    stores: bool = True  # each accepted request stores exactly one new message
    prefill: int = 0  # messages the emulator stores before listening
    stub_send: bool = False  # the emulator's send.php command answers a constant (the frame)


def _json(answer: str) -> dict[str, object]:
    try:
        data = json.loads(answer)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _send3(n: int, answer: str) -> bool:
    data = _json(answer)
    return "error" not in data and data.get("id") == n + 1 and data.get("cnt") == 1


def _send1(n: int, answer: str) -> bool:
    return answer.startswith(f"{n + 1},1,")  # id,cnt,cost,balance


def _status(n: int, answer: str) -> bool:
    data = _json(answer)
    return "error" not in data and data.get("status", -3) != -3  # -3: no such message


def _target(n: int, answer: str) -> bool:
    return answer.isdigit()  # the new message's id


def _pager(n: int, answer: str) -> bool:
    return "<code>1</code>" in answer and "<colSendAbonent>1<" in answer


def _soap(n: int, answer: str) -> bool:
    return f"<sendresult><id>{n + 1}</id>" in answer and "<cnt>1</cnt>" in answer


def status_scenario(prefill: int = STATUS_PREFILL) -> Scenario:
    """status.php over `prefill` stored messages (a multiple of STATUS_BATCH)."""
    assert prefill % STATUS_BATCH == 0
    return Scenario("status", "status.php", STATUS_PATH, "get.lua", _status,
                    query=partial(status_query, prefill=prefill),
                    lua_args=("status", str(prefill)), stores=False, prefill=prefill)


SCENARIOS = {s.name: s for s in (
    Scenario("smsc", "send.php fmt=3", PATH, "get.lua", _send3, 0.5, query=query,
             lua_args=("send3",)),
    Scenario("smsc-fmt1", "send.php fmt=1", PATH, "get.lua", _send1, 0.5,
             query=lambda n: query(n, fmt=1), lua_args=("send1",)),
    # Everything send.php pays but the send itself (uvicorn, routing, the journal and metrics,
    # form decoding, authentication, the concurrency and IP-block limits, the answer): the
    # ceiling any send path could reach on this frame.
    Scenario("smsc-frame", "send.php frame, send stubbed", PATH, "get.lua", _send3,
             query=query, lua_args=("send3",), stores=False, stub_send=True),
    status_scenario(),
    Scenario("soap", "SOAP send_sms", SOAP_PATH, "soap.lua", _soap, 0.25, body=soap_body),
    Scenario("pager", "SMS-Pager send.xml", PAGER_PATH, "pager.lua", _pager, 0.35,
             body=pager_body),
    Scenario("targetsms", "TargetSMS sendsms.php", TARGET_PATH, "get.lua", _target,
             query=target_query, lua_args=("target",)),
)}
