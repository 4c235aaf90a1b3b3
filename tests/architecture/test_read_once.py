"""Each request is read once. A profiler in the server's thread sees every call of the
readers a request's bytes can go through (query and form parsing, the safe XML parser,
json.loads) and notes what each was given; the test then counts, per request, how often its
query and its body were read, across the fault matcher (a rule matching on the phone), the
endpoint, the journal (read with explanations), the request log and the metrics."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from types import FrameType
from typing import Any

import httpx
import pytest

from sms_mocks.asgi import http as http_helpers
from sms_mocks.asgi import xmlsafe
from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from tests.providers.smsc.soap import HEADERS, envelope

# The profiler sees Python functions only: compiled (mypyc), the readers are C functions, so
# the count is made on the pure build, which runs the same source.
COMPILED = not hasattr(http_helpers.form_pairs, "__code__")
pytestmark = pytest.mark.skipif(COMPILED, reason="counts calls of the pure build's readers")
READERS = {} if COMPILED else {
    http_helpers.form_pairs.__code__: "raw", http_helpers.multipart_pairs.__code__: "raw",
    xmlsafe.parse.__code__: "body", json.loads.__code__: "s"}


class Reads:
    """What the readers were given, in the server's thread."""

    def __init__(self) -> None:
        self.seen: Counter[bytes] = Counter()

    def profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in READERS:
            value = frame.f_locals.get(READERS[frame.f_code])
            if isinstance(value, str):
                value = value.encode("utf-8", "surrogatepass")
            if isinstance(value, bytes) and value:
                self.seen[value] += 1


@pytest.fixture
def served() -> Iterator[tuple[httpx.Client, Reads]]:
    reads = Reads()
    threading.setprofile(reads.profile)
    try:
        with ServerThread(load(clock="virtual", log_format="json")) as server, \
                httpx.Client(base_url=server.url) as client:
            yield client, reads
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
        sys.setprofile(None)


REQUESTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "smsc GET": ("smsc", "GET", {"url": "/sys/send.php", "params": {
        "login": "alex", "psw": "123", "phones": "79991234567", "mes": "hi", "fmt": "3"}}),
    "smsc POST": ("smsc", "POST", {"url": "/sys/send.php?login=alex&psw=123", "data": {
        "phones": "79991234567", "mes": "hi", "fmt": "3"}}),
    "smsc refused": ("smsc", "POST", {"url": "/sys/send.php", "data": {
        "login": "alex", "psw": "123", "phones": "12", "mes": "hi"}}),
    "smsc rest": ("smsc", "POST", {"url": "/rest/send/", "json": {
        "login": "alex", "psw": "123", "phones": "79991234567", "mes": "hi"}}),
    "smsc soap": ("smsc", "POST", {"url": "/sys/soap.php", "headers": HEADERS, "content": envelope(
        "send", {"login": "alex", "psw": "123", "phones": "79991234567", "mes": "hi",
                 "id": "", "sender": "", "time": ""})}),
    "smsc soap refused": ("smsc", "POST", {"url": "/sys/soap.php", "headers": HEADERS,
                                           "content": envelope("balance", {
                                               "login": "alex", "psw": "bad"})}),
    "smspager": ("smspager", "POST", {"url": "/send.xml", "content": (
        b"<data><login>test</login><password>123456</password><text>hi</text>"
        b"<source>Magazin</source><to number='79991234567'></to></data>")}),
    "smspager refused": ("smspager", "POST", {"url": "/send.xml", "content": (
        b"<data><login>test</login><password>bad</password><text>hi</text>"
        b"<to number='79991234567'></to></data>")}),
    "targetsms": ("targetsms", "GET", {"url": "/sendsms.php", "params": {
        "user": "demo", "pwd": "demo", "sadr": "Shop", "dadr": "79991234567", "text": "hi"}}),
    "targetsms json": ("targetsms", "POST", {"url": "/sendsmsjson.php", "json": {
        "security": {"login": "demo", "password": "demo"}, "type": "sms", "message": [
            {"type": "sms", "sender": "Shop", "text": "hi",
             "abonent": [{"phone": "79991234567", "number_sms": "1"}]}]}}),
    "targetsms xml": ("targetsms", "POST", {"url": "/xml/", "content": (
        b'<?xml version="1.0" encoding="utf-8"?><request><security><login value="demo"/>'
        b'<password value="demo"/></security><message type="sms"><sender>Shop</sender>'
        b'<text>hi</text><abonent phone="79991234567" number_sms="1"/></message>'
        b"</request>")}),
}


@pytest.mark.parametrize("armed", [False, True], ids=["no rules", "a rule on the phone"])
@pytest.mark.parametrize("name", list(REQUESTS))
def test_a_request_is_read_once(served: tuple[httpx.Client, Reads], name: str,
                                armed: bool) -> None:
    client, reads = served
    provider, method, request = REQUESTS[name]
    if armed:  # it must read the request to see the phone, and must not fire
        assert client.post("/_mock/faults", json={
            "provider": provider, "phone": "79990000000", "action": "close"}).status_code == 201
    sent = client.build_request(method, **request)
    answer = client.send(sent)
    assert answer.status_code == 200
    journal = client.get("/_mock/journal", params={"provider": provider}).json()["entries"]
    assert journal[0]["path"] == sent.url.path
    assert client.get("/_mock/metrics").status_code == 200  # flushes the request log
    body, query = sent.content, sent.url.query
    if body:
        assert reads.seen[body] == 1, name
    if query:
        assert reads.seen[query] == 1, name


def test_the_count_sees_a_second_reading(served: tuple[httpx.Client, Reads]) -> None:
    _, reads = served
    reads.profile.__self__  # noqa: B018 - a bound method: the profiler is this object's
    http_helpers.form_pairs(b"a=1")  # in this thread, which the profiler does not watch
    assert reads.seen[b"a=1"] == 0
    sys.setprofile(reads.profile)
    try:
        http_helpers.form_pairs(b"a=1")
        http_helpers.form_pairs(b"a=1")
    finally:
        sys.setprofile(None)
    assert reads.seen[b"a=1"] == 2
