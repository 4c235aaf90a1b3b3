"""Where callbacks may go (callback_allow), and what an attempt may say about its target.

Every network action here stays on loopback: targets that must be refused are refused before
any connection is attempted (socket.create_connection is watched, and never reached for
them), and host names are answered by a stand-in for getaddrinfo, never by DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_mocks.config import ConfigError, Settings, load
from sms_mocks.core.clock import Clock
from sms_mocks.outbound import posting
from sms_mocks.outbound.outbox import DEFAULT_CALLBACK_ALLOW, CallbackAllow, Outbox, parse_entry
from sms_mocks.serving.runtime import Runtime
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import MockAccount
from tests.helpers.clients import http_client
from tests.helpers.polling import at_least, eventually
from tests.providers.smsc.client import Smsc


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


# the allow-list ------------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("10.1.2.3", True),
    ("172.16.0.1", True), ("172.31.255.254", True), ("192.168.1.10", True), ("fd12::1", True),
    ("::ffff:127.0.0.1", True),
    ("169.254.169.254", False), ("169.254.0.1", False), ("fe80::1", False),
    ("fe80::1%1", False), ("::ffff:169.254.169.254", False), ("fd00:ec2::254", False),
    ("100.100.100.200", False), ("168.63.129.16", False),
    ("8.8.8.8", False), ("172.32.0.1", False), ("0.0.0.0", False), ("2001:db8::1", False),
])
def test_by_default_loopback_and_private_ranges_only(address: str, allowed: bool) -> None:
    assert CallbackAllow().permits("host", 80, ip(address)) is allowed


def test_a_broad_entry_or_a_name_never_opens_link_local_or_metadata() -> None:
    everything = CallbackAllow(["0.0.0.0/0", "::/0", "app"])
    assert everything.permits("x", 80, ip("8.8.8.8"))
    for refused in ("169.254.169.254", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254"):
        assert not everything.permits("x", 80, ip(refused))
        assert not everything.permits("app", 80, ip(refused))  # a name that resolves there
    opened = CallbackAllow(["169.254.169.254/32"])  # only an entry inside the range opens it
    assert opened.permits("x", 80, ip("169.254.169.254"))
    assert not opened.permits("x", 80, ip("169.254.169.253"))


def test_ports_and_names() -> None:
    allow = CallbackAllow(["127.0.0.1:9000", "[::1]:9001", "10.0.0.0/8:8080", "app:8443",
                           "Hooks.Example."])
    assert allow.permits("h", 9000, ip("127.0.0.1"))
    assert not allow.permits("h", 9001, ip("127.0.0.1"))
    assert allow.permits("h", 9001, ip("::1")) and not allow.permits("h", 9000, ip("::1"))
    assert allow.permits("h", 8080, ip("10.9.9.9")) and not allow.permits("h", 80, ip("10.9.9.9"))
    assert allow.permits("app", 8443, ip("203.0.113.7"))  # a named host, wherever it is
    assert not allow.permits("app", 80, ip("203.0.113.7"))
    assert not allow.permits("other", 8443, ip("203.0.113.7"))
    assert allow.permits("hooks.example", 443, ip("203.0.113.7"))


@pytest.mark.parametrize("entry", [
    "", " ", "10.0.0.0/33", "::1:99999", "[::1]:0", "[::1", "[zz]:80", "host:port",
    "app:65536", "a b", "héllo", "-bad-", "123", "fe80::1:80:", "[::1]x",
])
def test_a_bad_entry_is_a_clear_error(entry: str) -> None:
    with pytest.raises(ValueError, match="callback_allow"):
        parse_entry(entry)


def test_the_setting_from_a_file_and_from_the_environment(tmp_path: Path) -> None:
    assert load().callback_allow == DEFAULT_CALLBACK_ALLOW
    config = tmp_path / "c.toml"
    config.write_text('callback_allow = ["127.0.0.1:9000", "app"]\n', encoding="utf-8")
    assert load(config).callback_allow == ("127.0.0.1:9000", "app")
    environ = {"SMS_MOCKS_CALLBACK_ALLOW": "10.0.0.0/8, [::1]:80"}
    assert load(config, environ).callback_allow == ("10.0.0.0/8", "[::1]:80")
    assert load(environ={"SMS_MOCKS_CALLBACK_ALLOW": '["app:1"]'}).callback_allow == ("app:1",)
    for bad in ('callback_allow = ["10.0.0.0/33"]\n', "callback_allow = 5\n",
                "callback_allow = [1]\n"):
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match="callback_allow"):
            load(config)
    outbox = Outbox(Clock.virtual(0.0), allow=("127.0.0.1:9000",))
    assert isinstance(outbox.allow, CallbackAllow)
    assert [e.text for e in outbox.allow.entries] == ["127.0.0.1:9000"]


def test_the_runtime_gives_the_outbox_the_configured_allow_list() -> None:
    runtime = Runtime(Settings(clock="virtual", callback_allow=("127.0.0.1:9000",)))
    assert isinstance(runtime.outbox.allow, CallbackAllow)
    assert [e.text for e in runtime.outbox.allow.entries] == ["127.0.0.1:9000"]


@pytest.mark.parametrize(("path", "control"), [
    ("/_mock/reset", True), ("/_mock", True), ("/_MOCK/reset", True), ("//_mock/reset", True),
    ("/%5Fmock/reset", True), ("/%255Fmock/reset", True), ("/x/../_mock/reset", True),
    ("/_mock%2Freset", True), ("\\_mock/reset", True), ("/_mock/sink/../reset", True),
    ("/_mock/sink/name", False), ("/_mock/sink/a%2Fb", False), ("/hook", False),
    ("/_mockery", False), ("", False), ("/", False),
])
def test_the_control_api_however_spelled_is_no_target(path: str, control: bool) -> None:
    assert posting.control_path(path) is control


# refused before any connection --------------------------------------------------------------
class Network:
    """Watches socket.create_connection (passing loopback through) and answers getaddrinfo
    for test names; nothing leaves loopback."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.connects: list[tuple[str, int]] = []
        self.lookups: list[str] = []
        self.names: dict[str, Callable[[], list[str]]] = {}
        real_connect, real_lookup = socket.create_connection, socket.getaddrinfo

        def create_connection(address: tuple[str, int], *args: Any, **kw: Any) -> socket.socket:
            self.connects.append((str(address[0]), int(address[1])))
            if not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback:
                raise AssertionError(f"a connection to {address} was attempted")
            return real_connect(address, *args, **kw)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kw: Any) -> list[Any]:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name in self.names:
                self.lookups.append(name)
                answers = self.names[name]()
                if not answers:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP, "", (a, int(port or 0))) for a in answers]
            # anything else must be an address in some spelling (2852039166, 0xa9.0xfe...):
            # the resolver reads it without asking DNS
            numeric = kw.pop("flags", 0) | socket.AI_NUMERICHOST
            return real_lookup(host, port, *args, flags=numeric, **kw)

        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    return Network(monkeypatch)


class Receiver:
    """A loopback HTTP receiver: records each POST (and its Host header) and answers
    `status` with `body`."""

    def __init__(self, status: int = 200, body: bytes = b"OK") -> None:
        self.status, self.body = status, body
        self.posts: list[tuple[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.posts.append((self.headers.get("Host", ""),
                                       self.rfile.read(length).decode()))
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def run(url: str, allow: CallbackAllow | None = None) -> tuple[int | None, str]:
    return asyncio.run(posting.post(url, {"id": "1"}, deadline=5,
                                    allow=allow or posting.DEFAULT_ALLOW))


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://169.254.169.254:8080/", "http://[fe80::1]/", "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://0xa9.0xfe.0xa9.0xfe/",
    "http://2852039166/", "http://8.8.8.8/", "https://203.0.113.9/", "http://0.0.0.0:1/",
    "http://metadata.test/computeMetadata/v1/",
])
def test_a_refused_target_gets_no_connection_attempt(network: Network, url: str) -> None:
    network.names["metadata.test"] = lambda: ["169.254.169.254"]
    assert run(url) == (None, posting.REFUSED)
    assert network.connects == []


def test_the_control_api_is_refused_before_any_lookup_or_connection(network: Network) -> None:
    for url in ("http://127.0.0.1:7214/_mock/reset", "http://localhost/%5Fmock/reset",
                "http://127.0.0.1:1/_mock/clock/advance?seconds=1"):
        assert run(url) == (None, posting.CONTROL_API)
    assert network.connects == [] and network.lookups == []


@pytest.mark.slow
def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected(
        network: Network, receiver: Receiver) -> None:
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])  # a second lookup would be rebound
    network.names["rebind.test"] = lambda: next(answers)
    assert run(f"http://rebind.test:{receiver.port}/hook") == (200, "")
    assert network.lookups == ["rebind.test"]
    assert network.connects == [("127.0.0.1", receiver.port)]
    assert receiver.posts == [(f"rebind.test:{receiver.port}", "id=1")]  # its own Host


@pytest.mark.slow
def test_of_several_addresses_only_the_permitted_ones_are_tried(
        network: Network, receiver: Receiver) -> None:
    network.names["mixed.test"] = lambda: ["169.254.169.254", "8.8.8.8", "127.0.0.1"]
    assert run(f"http://mixed.test:{receiver.port}/") == (200, "")
    assert network.connects == [("127.0.0.1", receiver.port)]


@pytest.mark.slow
def test_a_configured_list_replaces_the_defaults(network: Network, receiver: Receiver) -> None:
    only_other_port = CallbackAllow([f"127.0.0.1:{receiver.port + 1}"])
    assert run(f"http://127.0.0.1:{receiver.port}/", only_other_port) == (None, posting.REFUSED)
    assert network.connects == []
    exact = CallbackAllow([f"127.0.0.1:{receiver.port}"])
    assert run(f"http://127.0.0.1:{receiver.port}/", exact) == (200, "")
    network.names["app.test"] = lambda: ["127.0.0.1"]
    assert run(f"http://app.test:{receiver.port}/", CallbackAllow(["app.test"])) == (200, "")


# what an attempt says ----------------------------------------------------------------------
@pytest.mark.slow
def test_an_attempt_says_a_generic_phrase_never_the_targets_words(network: Network) -> None:
    secret = b"SECRET-BANNER db01 internal error: password=hunter2"
    failing = Receiver(500, secret)
    banner = socket.create_server(("127.0.0.1", 0))  # not HTTP: a banner, then it closes

    def serve_banner() -> None:
        with banner:
            connection, _ = banner.accept()
            with connection:
                connection.sendall(secret + b"\r\n")
                time.sleep(0.2)

    threading.Thread(target=serve_banner, daemon=True).start()
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    network.names["nowhere.test"] = lambda: []
    try:
        results = [run(f"http://127.0.0.1:{failing.port}/"),
                   run(f"http://127.0.0.1:{banner.getsockname()[1]}/"),
                   run(f"http://127.0.0.1:{closed_port}/"), run("http://nowhere.test/"),
                   run("ftp://127.0.0.1/"), run("http://127.0.0.1:99999/")]
    finally:
        failing.close()
    assert results == [(500, "HTTP 500"), (None, posting.CONNECTION), (None, posting.CONNECTION),
                       (None, posting.NOT_FOUND), (None, posting.NOT_HTTP),
                       (None, posting.NOT_HTTP)]


# through a served emulator -----------------------------------------------------------------
@pytest.fixture
def served() -> Iterator[ServerThread]:
    with ServerThread(load(clock="virtual")) as server:
        yield server


def attempts_for(client: httpx.Client, url: str, count: int) -> list[dict[str, Any]]:
    return eventually(lambda: [a for a in client.get("/_mock/callbacks").json()["attempts"]
                               if a["url"] == url], at_least(count),
                      what=f"{count} attempts on {url}")


def send_with_callback(client: httpx.Client, url: str, login: str) -> None:
    account = {"provider": "smsc", "login": login, "password": "p", "callback_url": url}
    assert client.post("/_mock/accounts", json=account).status_code == 201
    answer = Smsc(client, MockAccount("smsc", login, "p")).get(
        "send", charset="utf-8", fmt="3", phones="79991234567", mes="x").json()
    assert "id" in answer, answer
    client.post("/_mock/clock/advance", json={"seconds": 1}).raise_for_status()  # sent: status 0


@pytest.mark.slow
def test_a_metadata_callback_is_refused_once_and_shown_generically(
        served: ServerThread, network: Network) -> None:
    url = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    with http_client(served.url, timeout=10) as client:
        send_with_callback(client, url, "meta")
        [attempt] = attempts_for(client, url, 1)
        assert (attempt["status"], attempt["error"], attempt["retry_at"]) == (
            None, posting.REFUSED, None)  # refused for good: not tried again
        client.post("/_mock/clock/advance", json={"seconds": 7200}).raise_for_status()
        tries = attempts_for(client, url, 2)  # the delivery report's callback: refused too
        time.sleep(0.2)  # a retry, had there been one, would be due by now
        tries = [a for a in client.get("/_mock/callbacks").json()["attempts"]
                 if a["url"] == url]
        assert [(a["attempt"], a["error"], a["retry_at"]) for a in tries] == [
            (1, posting.REFUSED, None)] * 2
    assert not [c for c in network.connects if c[0] == "169.254.169.254"]


@pytest.mark.slow
def test_a_callback_to_the_emulators_own_control_api_does_nothing(served: ServerThread,
                                                                  network: Network) -> None:
    with http_client(served.url, timeout=10) as client:
        before = len(client.get("/_mock/messages").json()["messages"])
        for n, path in enumerate(("/_mock/reset", "/%5Fmock/reset")):
            url = f"{served.url}{path}"
            send_with_callback(client, url, f"self{n}")
            [attempt] = attempts_for(client, url, 1)
            assert (attempt["status"], attempt["error"]) == (None, posting.CONTROL_API)
        assert len(client.get("/_mock/messages").json()["messages"]) == before + 2  # no reset
        sink = f"{served.url}/_mock/sink/ok"  # the sink is a receiver, and stays one
        send_with_callback(client, sink, "sinker")
        [attempt] = attempts_for(client, sink, 1)
        assert (attempt["status"], attempt["error"]) == (200, "")


@pytest.mark.slow
def test_callbacks_shows_no_text_of_a_failing_or_closed_target(served: ServerThread) -> None:
    failing = Receiver(500, b"SECRET-BANNER internal stack trace")
    closed = socket.create_server(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    closed.close()
    try:
        with http_client(served.url, timeout=10) as client:
            failing_url = f"http://127.0.0.1:{failing.port}/hook"
            send_with_callback(client, failing_url, "failing")
            send_with_callback(client, closed_url, "closed")
            [first] = attempts_for(client, failing_url, 1)
            [second] = attempts_for(client, closed_url, 1)
            shown = json.dumps(client.get("/_mock/callbacks").json())
    finally:
        failing.close()
    assert (first["status"], first["error"]) == (500, "HTTP 500")
    assert (second["status"], second["error"]) == (None, posting.CONNECTION)
    assert first["retry_at"] is not None and second["retry_at"] is not None  # these retry
    assert "SECRET" not in shown and "Errno" not in shown and "Refused" not in shown
