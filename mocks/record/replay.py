"""Recorded requests sent again, to an emulator of their own: in-process, on a virtual clock
that reads each request's recorded time before it is sent, with accounts made from the
cassette (a login's password is the redaction marker it logged in with, so the redacted
request replays as it stands and a wrong password stays wrong).

Ids are the one thing a replay changes in a request: a status read names the id the real
service handed out, which becomes the id the emulator handed out for the same send.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sms_mocks.record import dialects
from sms_mocks.record.cassette import Body, Exchange, Request, Response, charset_of, header
from sms_mocks.record.template import IdMap

# Not sent again as recorded: the replay's own connection decides these.
HOP_BY_HOP = frozenset({"host", "content-length", "connection", "keep-alive", "te", "trailer",
                        "transfer-encoding", "upgrade", "proxy-connection", "expect"})
NO_LOGIN = "replay: no recorded request logged in"


@dataclass(frozen=True, slots=True)
class _IdPatterns:
    """Where the dialects' requests name message ids (each declares its names)."""

    query: re.Pattern[str]  # name=1,2 in a query or a form
    xml: re.Pattern[str]  # <name>1</name>
    json: re.Pattern[str]  # "name": 1
    json_lists: re.Pattern[str]  # "name": [1, 2]


def _either(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in dict.fromkeys(names)) or "(?!)"  # none: never


def _id_patterns() -> _IdPatterns:
    # compiled again on each call: re's own cache keeps that cheap, and a provider registered
    # since (a test's) counts
    declared = [d.ids for d in dialects.all_dialects()]
    return _IdPatterns(
        re.compile(rf"(?:(?<=[?&])|^)({_either(n for i in declared for n in i.query)})="
                   r"([^&#]*)"),
        re.compile(rf"(<(?:[\w.-]+:)?(?:{_either(n for i in declared for n in i.xml)})>)"
                   r"([^<]*)(</)"),
        re.compile(rf'("(?:{_either(n for i in declared for n in i.json)})"\s*:\s*"?)(\d+)'),
        re.compile(rf'("(?:{_either(n for i in declared for n in i.json_lists)})"\s*:\s*\[)'
                   r"([^\]]*)"))


@dataclass(slots=True)
class AccountSpec:
    """An account the replay makes, in the configuration file's keys."""

    provider: str
    login: str
    password: str = NO_LOGIN
    api_keys: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        return {"provider": self.provider, "login": self.login, "password": self.password,
                "api_keys": self.api_keys, "senders": self.senders}


def accounts_of(exchanges: Iterable[Exchange]) -> list[AccountSpec]:
    """One account per login the exchanges use. Its password is the first marker that logged
    in (an answer that is not a credentials error); an API key likewise. A key used without a
    login belongs to the one login of its provider, else to an account of its own."""
    specs: dict[tuple[str, str], AccountSpec] = {}
    keys: dict[str, list[str]] = {}
    for exchange in exchanges:
        if exchange.response is None or not exchange.provider:
            continue
        provider = dialects.account_provider(exchange.provider)
        if provider is None:  # a dialect no provider declares (any more): no account to make
            continue
        facts = dialects.read(exchange.provider, exchange.request)
        ok = not dialects.auth_failed(exchange.provider, exchange.response.body.text)
        if facts.login:
            spec = specs.setdefault((provider, facts.login), AccountSpec(provider, facts.login))
            if ok and facts.passwords and spec.password == NO_LOGIN:
                spec.password = facts.passwords[0]
            spec.senders += [s for s in facts.senders if s not in spec.senders]
        if ok:
            for key in facts.api_keys:
                if key not in keys.setdefault(provider, []):
                    keys[provider].append(key)
    for provider, found in keys.items():
        logins = [s for (p, _), s in specs.items() if p == provider]
        if len(logins) == 1:
            logins[0].api_keys += found
        else:
            for number, key in enumerate(found, 1):
                specs[(provider, f"apikey{number}")] = AccountSpec(provider, f"apikey{number}",
                                                                  api_keys=[key])
    return list(specs.values())


def rewrite_ids(request: Request, ids: Mapping[str, str]) -> Request:
    """The request with each recorded id it names replaced by the replay's id for it."""
    if not ids:
        return request

    def one_list(values: str) -> str:
        return re.sub(r"[^,%]+", lambda m: ids.get(m.group(), m.group()), values)

    patterns = _id_patterns()

    def query(text: str) -> str:
        return patterns.query.sub(lambda m: f"{m.group(1)}={one_list(m.group(2))}", text)

    path, mark, rest = request.path.partition("?")
    text = request.body.text
    kind = (header(request.headers, "content-type") or "").lower()
    if "x-www-form-urlencoded" in kind:
        text = query(text)
    text = patterns.xml.sub(lambda m: m.group(1) + ids.get(m.group(2).strip(), m.group(2))
                            + m.group(3), text)
    text = patterns.json.sub(lambda m: m.group(1) + ids.get(m.group(2), m.group(2)), text)
    text = patterns.json_lists.sub(lambda m: m.group(1) + re.sub(
        r"\d+", lambda d: ids.get(d.group(), d.group()), m.group(2)), text)
    return replace(request, path=path + mark + query(rest), body=request.body.with_text(text))


class Replay:
    """An emulator of its own for one replay: start it, make the accounts, send requests."""

    def __init__(self, start: float, accounts: list[AccountSpec], *, config: str | None = None,
                 public_url: str | None = None, timeout: float = 30.0) -> None:
        self.start_at = start
        self.accounts = accounts
        self.config = config
        self.public_url = public_url
        self.timeout = timeout
        self.now = start

    def __enter__(self) -> Replay:
        from sms_mocks.config import load
        from sms_mocks.serving.server import ServerThread
        from sms_mocks.testing.sandbox import ControlClient

        settings = load(self.config, clock="virtual", clock_start=self.start_at,
                        public_url=self.public_url)
        configured = {(a.get("provider"), a.get("login")) for a in settings.accounts}
        self.server = ServerThread(settings).start()
        self.control = ControlClient(self.server.url)
        self.now = self.control.call("GET", "/_mock/clock")["timestamp"]
        for spec in self.accounts:
            data = spec.data()
            if (spec.provider, spec.login) in configured:  # the file's account, our password
                data = {k: data[k] for k in ("provider", "login", "password")}
                if spec.api_keys:
                    data["api_keys"] = spec.api_keys
            else:
                default = list(dialects.replay_senders(spec.provider))
                data["senders"] = {s: "approved" for s in [*default, *spec.senders]}
            self.control.put_account(**data)
        return self

    def __exit__(self, *exc: object) -> None:
        self.control.close()
        self.server.stop()

    def send(self, request: Request, ids: Mapping[str, str]) -> Response:
        if request.at > self.now:
            self.now = self.control.call("POST", "/_mock/clock/set",
                                         {"at": request.at})["timestamp"]
        request = rewrite_ids(request, ids)
        parts = urlsplit(self.server.url)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                          timeout=self.timeout)
        try:
            conn.putrequest(request.method, request.path, skip_host=True,
                            skip_accept_encoding=True)
            conn.putheader("Host", parts.netloc)
            for name, value in request.headers:
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            raw = request.body.raw()
            if raw or request.method not in ("GET", "HEAD"):
                conn.putheader("Content-Length", str(len(raw)))
            conn.endheaders(raw or None)
            answer = conn.getresponse()
            body = answer.read()
            headers = [(str(k), str(v)) for k, v in answer.getheaders()]
        finally:
            conn.close()
        return Response(self.now, answer.status, answer.reason, headers,
                        Body.of(body, [charset_of(header(headers, "content-type"))]))


def learn(ids: IdMap, learned: Mapping[str, str]) -> None:
    """The first id the replay got for a recorded one stands; one replayed id stands for one
    recorded id only."""
    taken = set(ids.values())
    for recorded, replayed in learned.items():
        if recorded not in ids and replayed not in taken:
            ids[recorded] = replayed
            taken.add(replayed)
