"""ping.php (notify groups), /rest/send/ (JSON), and status callbacks to a real receiver."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.polling import at_least, eventually
from tests.providers.smsc.client import Smsc

PHONE = "79161234567"
GROUP = {"contacts": [PHONE, "79161234568"], "fail_text": "{NAME} on {HOST} failed: {INFO}",
         "ok_text": "{NAME} is back", "sender": "SMSC"}


# -- ping.php ----------------------------------------------------------------------------

def test_a_notification_becomes_messages_to_the_groups_contacts(sms_mocks: Sandbox,
                                                                smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, notify_groups={"7": GROUP})
    assert smsc.text("ping", id=7, name="web", host="10.0.0.1", info="timeout") == "OK"
    assert smsc.text("ping", id=7, name="web", ok=1, fmt=3) == '{"result":"OK"}'
    sent = sorted((m["phone"], m["text"]) for m in sms_mocks.messages())
    assert sent == [(PHONE, "web is back"), (PHONE, "web on 10.0.0.1 failed: timeout"),
                    ("79161234568", "web is back"),
                    ("79161234568", "web on 10.0.0.1 failed: timeout")]


@pytest.mark.parametrize(("fmt", "ok", "not_found", "no_id"), [
    (0, "OK", "ERROR = 3 (Группа заданий не найдена.)", "ERROR = 1 (parameters error)"),
    (1, "OK", "0,-3", "0,-1"),
    (2, "<result>OK</result>",
     "<result>\n<error>Группа заданий не найдена.</error>\n<error_code>3</error_code>\n"
     "</result>",
     "<result>\n<error>parameters error</error>\n<error_code>1</error_code>\n</result>"),
    (3, '{"result":"OK"}', '{"error":"Группа заданий не найдена.","error_code":3}',
     '{"error":"parameters error","error_code":1}'),
])
def test_ping_answers_in_each_fmt(sms_mocks: Sandbox, smsc: Smsc, fmt: int, ok: str,
                                  not_found: str, no_id: str) -> None:
    sms_mocks.update(smsc.account, notify_groups={"1": GROUP})
    assert smsc.text("ping", id=1, fmt=fmt) == ok
    assert smsc.text("ping", id=2, fmt=fmt) == not_found
    assert smsc.text("ping", fmt=fmt) == no_id


def test_more_than_five_identical_notifications_a_minute_is_error_9(sms_mocks: Sandbox,
                                                                    smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, notify_groups={"1": GROUP})
    answers = [smsc.text("ping", id=1, name="db", fmt=1) for _ in range(6)]
    assert answers == ["OK"] * 5 + ["0,-9"]
    assert smsc.text("ping", id=1, name="other", fmt=1) == "OK"


def test_a_refused_notification_is_error_1_and_the_journal_says_why(sms_mocks: Sandbox,
                                                                    smsc: Smsc) -> None:
    # 002 gives ping.php's code 1 as "Ошибка в параметрах": described as every error 1 is,
    # whatever the gateway refused; the reason is the journal's to tell.
    sms_mocks.update(smsc.account, balance="0", notify_groups={"1": GROUP})
    assert smsc.text("ping", id=1) == "ERROR = 1 (parameters error)"
    assert smsc.text("ping", id=1, fmt=3) == '{"error":"parameters error","error_code":1}'
    assert sms_mocks.journal(limit=1)[0]["explanation"] == (
        "the notification's messages were refused: balance 0.00 is less than the cost 2.80")
    sms_mocks.update(smsc.account, balance="100", notify_groups={
        "1": {**GROUP, "contacts": ["12"]}})
    assert smsc.text("ping", id=1, fmt=1) == "0,-1"
    assert smsc.text("ping", id=1) == "ERROR = 1 (parameters error)"
    assert sms_mocks.journal(limit=1)[0]["explanation"] == (
        "the notification's messages were refused: group contacts must be 7XXXXXXXXXX or "
        "another country's international number (got '12')")
    assert sms_mocks.messages() == []


def test_a_notification_longer_than_a_message_may_be_is_error_1(sms_mocks: Sandbox,
                                                                smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, notify_groups={"1": GROUP})
    assert smsc.text("ping", id=1, info="x" * 1000, fmt=1) == "0,-1"
    assert sms_mocks.messages() == []


def test_macros_are_filled_once_not_inside_what_was_filled_in(sms_mocks: Sandbox,
                                                             smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, notify_groups={"1": GROUP})
    assert smsc.text("ping", id=1, name="{HOST}", host="{INFO}", info="{NAME}") == "OK"
    assert {m["text"] for m in sms_mocks.messages()} == {"{HOST} on {INFO} failed: {NAME}"}


def test_notify_groups_are_checked(sms_mocks: Sandbox) -> None:
    with pytest.raises(RuntimeError, match="contacts"):
        sms_mocks.account("smsc", notify_groups={"1": {"contacts": []}})


# -- /rest/send/ -------------------------------------------------------------------------

def test_rest_send_takes_json_and_answers_fmt_3(http: httpx.Client, smsc: Smsc,
                                                sms_mocks: Sandbox) -> None:
    login = {"login": smsc.account.login, "psw": smsc.account.password}
    answer = http.post("/rest/send/", json={**login, "phones": [PHONE, "79161234568"],
                                            "mes": "Привет", "valid": 1, "cost": 3,
                                            "fmt": 0})
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.json() == {"id": 1, "cnt": 2, "cost": "2.80", "balance": "97.20"}
    assert {m["text"] for m in sms_mocks.messages()} == {"Привет"}
    refused = http.post("/rest/send/", json={**login, "phones": "12", "mes": "x", "id": 5})
    assert refused.json() == {"error": "invalid number", "error_code": 7, "id": 5}
    wrong = http.post("/rest/send/", json={**login, "psw": "no", "phones": PHONE, "mes": "x"})
    assert wrong.json() == {"error": "authorise error", "error_code": 2}


@pytest.mark.parametrize("body", [b"{bad", b"[1, 2]", b'{"phones": {"a": 1}}', b"",
                                  b'"text"', b"[" * 10000])
def test_rest_send_refuses_what_is_not_a_json_object(http: httpx.Client, body: bytes) -> None:
    answer = http.post("/rest/send/", content=body)
    assert (answer.status_code, answer.json()) == (200, {"error": "parameters error",
                                                         "error_code": 1})


def test_rest_send_needs_a_post(http: httpx.Client) -> None:
    assert http.get("/rest/send/").json()["error_code"] == 1


# -- status callbacks --------------------------------------------------------------------

class Receiver:
    """A real HTTP server on loopback that records each POST and answers from a script."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.posts: list[dict[str, str]] = []
        self.content_types: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append(dict(parse_qsl(body.decode())))
                receiver.content_types.append(self.headers.get("Content-Type", ""))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/smsc-status"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, str]]:
        """Waits on real I/O (the emulator's POSTs), not on a delivery."""
        return eventually(lambda: self.posts, at_least(count), timeout=timeout,
                          what=f"{count} callback POSTs")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver([500])
    yield found
    found.server.shutdown()
    found.server.server_close()


def wait_for_attempts(sms_mocks: Sandbox, url: str, count: int) -> list[dict[str, object]]:
    """The attempts on `url` (the history is the whole server's): the emulator records one
    once the receiver's answer is in, so this waits on real I/O."""
    return eventually(lambda: [a for a in sms_mocks.control.call("GET", "/_mock/callbacks")[
        "attempts"] if a["url"] == url], at_least(count), what=f"{count} attempts on {url}")


def md5(*parts: str) -> str:
    return hashlib.md5(":".join(parts).encode()).hexdigest()


@pytest.mark.slow
def test_a_callback_reaches_a_receiver_and_is_retried_after_a_500(
        sms_mocks: Sandbox, smsc: Smsc, receiver: Receiver) -> None:
    sms_mocks.update(smsc.account, callback_url=receiver.url, callback_secret="s3cret")
    smsc.send(phones=PHONE, mes="x", id=42)
    sms_mocks.advance(1)  # to the operator: status 0
    [first] = receiver.wait_for(1)
    sent_at = first["ts"]
    assert first == {"id": "42", "phone": PHONE, "status": "0", "err": "0", "ts": sent_at,
                     "type": "0", "flag": "0", "md5": md5("42", PHONE, "0", "s3cret")}
    assert receiver.content_types[0] == "application/x-www-form-urlencoded"
    attempts = wait_for_attempts(sms_mocks, receiver.url, 1)
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 500)]
    assert attempts[0]["retry_at"] is not None
    sms_mocks.advance(10)  # the retry falls due; the delivery report (status 1) as well
    posts = receiver.wait_for(3)
    assert sorted((p["status"], p["ts"]) for p in posts[1:]) == sorted(
        [("0", sent_at), ("1", str(int(sent_at) + 5))])
    delivered = next(p for p in posts if p["status"] == "1")
    assert delivered["md5"] == md5("42", PHONE, "1", "s3cret")


def test_the_built_in_sink_receives_callbacks(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sink = f"{sms_mocks.url}/_mock/sink/{smsc.account.login}"
    sms_mocks.update(smsc.account, callback_url=sink, callback_secret="k")
    smsc.send(phones="79000001006", mes="x", id=3)
    sms_mocks.advance(60)
    got = eventually(lambda: sms_mocks.control.call(
        "GET", f"/_mock/sink/{smsc.account.login}")["requests"], at_least(2))
    forms = [r["form"] for r in got]
    assert [(f["status"], f["err"]) for f in forms] == [("0", "0"), ("20", "6")]
    assert json.dumps(forms[1]["md5"]) == json.dumps(md5("3", "79000001006", "20", "k"))


@pytest.mark.parametrize(("status", "answered"), [
    ("500", 500), ("404", 404), ("²", 200), ("9" * 5000, 200), ("199", 200), ("600", 200),
    ("", 200), ("abc", 200)])
def test_the_sink_answers_the_status_asked_for_or_200(http: httpx.Client, status: str,
                                                      answered: int) -> None:
    response = http.post("/_mock/sink/odd", params={"status": status}, content=b"a=1")
    assert response.status_code == answered
    assert http.get("/_mock/sink/odd").json()["requests"][-1]["answered"] == answered


def test_the_sink_refuses_a_huge_body_and_keeps_nothing_of_it(http: httpx.Client) -> None:
    response = http.post("/_mock/sink/big", content=b"x" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert http.get("/_mock/sink/big").json() == {"requests": []}
    chunks = (b"y" * 16384 for _ in range(5))  # chunked, no length: refused as it streams
    assert http.post("/_mock/sink/big", content=chunks).status_code == 413


def test_the_sink_keeps_the_last_hundred_names(http: httpx.Client) -> None:
    for n in range(105):
        http.post(f"/_mock/sink/n{n}", content=b"a=1")
    names = list(http.get("/_mock/sink").json()["sinks"])
    assert len(names) == 100 and names[0] == "n5" and names[-1] == "n104"


@pytest.mark.slow
def test_a_reset_forgets_a_callback_on_its_way_and_frees_its_url(sms_mocks: Sandbox,
                                                                 smsc: Smsc) -> None:
    arrived, release = threading.Event(), threading.Event()
    posts: list[str] = []

    class Holding(BaseHTTPRequestHandler):
        """Holds message 1's callback until released; answers the others at once."""

        def do_POST(self) -> None:
            form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            posts.append(form["id"])
            if form["id"] == "1":
                arrived.set()
                release.wait(10)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Holding)
    url = f"http://127.0.0.1:{server.server_address[1]}/held"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sms_mocks.update(smsc.account, callback_url=url)
        smsc.send(phones=PHONE, mes="before", id=1)
        sms_mocks.advance(1)  # "sent to the operator": its POST now hangs in the receiver
        assert arrived.wait(10)
        sms_mocks.control.call("POST", "/_mock/reset")
        account = sms_mocks.account("smsc", callback_url=url)
        Smsc(smsc.http, account).send(phones=PHONE, mes="after", id=2)
        sms_mocks.advance(1)
        assert wait_for_attempts(sms_mocks, url, 1)[0]["form"]["id"] == "2"  # not held up by 1
        assert posts == ["1", "2"]
        release.set()
        account = sms_mocks.account("smsc", callback_url=url)
        Smsc(smsc.http, account).send(phones=PHONE, mes="later", id=3)
        sms_mocks.advance(1)
        attempts = wait_for_attempts(sms_mocks, url, 2)
        assert [a["form"]["id"] for a in attempts] == ["2", "3"]  # 1's answer was ignored
    finally:
        release.set()
        server.shutdown()
        server.server_close()
