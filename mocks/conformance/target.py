"""What a scenario runs against: a base URL per provider, credentials, and what the target can
do besides answering like the provider (an emulator has /_mock/; a real service does not)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

PROVIDERS = ("smsc", "smspager", "targetsms")

# Where the real services answer, from the documents (002, 000, 001).
REAL_URLS = {
    "smsc": "https://smsc.ru",
    "smspager": "https://transport.sms-pager.com:7214",
    "targetsms": "https://sms.targetsms.ru",
}


class Skip(Exception):
    """The scenario cannot run against this target; the reason says why."""


@dataclass(frozen=True, slots=True)
class Credentials:
    login: str
    password: str
    sender: str = ""  # a real account's approved sender, where a send must name one


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Target:
    """One deployment under test, at `url`. `credentials` are used against a real service;
    an emulator gets a fresh account per scenario instead, so runs never see each other.
    `spend` allows the scenarios that send real SMS, to `phone` (the tester's own)."""

    url: str
    credentials: dict[str, Credentials] = field(default_factory=dict)
    spend: bool = False
    phone: str | None = None
    timeout: float = 20.0
    # Whether /_mock/ may be used; None: ask the target. False treats an emulator as a real
    # service would be treated (the suite checks the real-service paths that way).
    control_api: bool | None = None
    token: str | None = None  # an emulator's control token, sent to /_mock/ only
    unreachable: str | None = None  # why the target did not answer at all, once asked
    # Whether scenarios may move an emulator's clock when it runs on its own (real or
    # accelerated): a shared sandbox's clock is left alone unless this is given.
    allow_clock: bool = False
    made: list[tuple[str, str]] = field(default_factory=list)  # accounts made, to remove
    _clock_mode: str | None = None

    # what the target is ------------------------------------------------------------------
    def base(self, provider: str) -> str:
        """Where `provider` answers: one URL serves all three (a provider's own host serves
        only its own, so a real-service target is made per provider)."""
        del provider
        return self.url.rstrip("/")

    @property
    def emulator(self) -> bool:
        """Whether the target answers the emulator's health route (asked once)."""
        if self.control_api is None:
            try:
                answer = self._fetch("GET", self.url.rstrip("/") + "/_mock/health")
                self.control_api = answer.status == 200 and "internal_errors" in answer.json()
            except OSError as exc:  # refused, unknown host, a certificate not trusted
                self.unreachable = str(getattr(exc, "reason", None) or exc)
                self.control_api = False
            except (ValueError, TypeError):  # an answer, not the emulator's
                self.control_api = False
        return self.control_api

    def require_emulator(self, why: str) -> None:
        if not self.emulator:
            raise Skip(f"needs the emulator's control API ({why})")

    # provider requests -------------------------------------------------------------------
    def get(self, provider: str, path: str, params: dict[str, Any] | None = None) -> Answer:
        query = "?" + urlencode(params) if params else ""
        return self._fetch("GET", self.base(provider) + path + query)

    def post(self, provider: str, path: str, body: bytes, content_type: str,
             params: dict[str, Any] | None = None) -> Answer:
        query = "?" + urlencode(params) if params else ""
        return self._fetch("POST", self.base(provider) + path + query, body,
                           {"Content-Type": content_type})

    def _fetch(self, method: str, url: str, body: bytes | None = None,
               headers: dict[str, str] | None = None) -> Answer:
        headers = dict(headers or {})
        if self.token and urllib.parse.urlsplit(url).path.startswith("/_mock/"):
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:  # a 4xx/5xx is an answer like any other
            with error:
                return Answer(error.code, dict(error.headers.items()), error.read())

    # accounts, clock ---------------------------------------------------------------------
    def account(self, provider: str, **spec: Any) -> Credentials:
        """A fresh account on the emulator (`spec` as in the configuration file), or the
        given credentials on a real service, where a scenario that needs a particular
        account (`spec`) is skipped."""
        if not self.emulator:
            if spec:
                raise Skip(f"needs an account set up as {sorted(spec)}, only the emulator can")
            if provider not in self.credentials:
                raise Skip(f"no {provider} credentials given")
            return self.credentials[provider]
        login = f"c{uuid.uuid4().hex[:12]}"
        password = uuid.uuid4().hex[:10]
        self.control("POST", "/_mock/accounts",
                     {"provider": provider, "login": login, "password": password, **spec})
        self.made.append((provider, login))
        return Credentials(login, password)

    def tidy(self) -> list[str]:
        """Remove the accounts made so far (their messages go with them); what could not be
        removed, said in a line each."""
        left: list[str] = []
        while self.made:
            provider, login = self.made.pop()
            path = f"/_mock/accounts/{urllib.parse.quote(provider)}/{urllib.parse.quote(login)}"
            try:
                answer = self._fetch("DELETE", self.url.rstrip("/") + path, None,
                                     {"Content-Type": "application/json"})
            except OSError as exc:
                left.append(f"{provider} {login}: {exc}")
                continue
            if answer.status not in (200, 404):  # 404: gone already (a reset)
                left.append(f"{provider} {login}: {answer.status} {answer.text[:100]}")
        return left

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        self.require_emulator(f"{method} {path}")
        payload = json.dumps(body).encode() if body is not None else None
        answer = self._fetch(method, self.url.rstrip("/") + path, payload,
                             {"Content-Type": "application/json"})
        if answer.status >= 400:
            raise AssertionError(f"{method} {path}: {answer.status} {answer.text}")
        return answer.json() if answer.body else None

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock: deliveries that fall due happen, in order. A real
        service cannot be hurried, so scenarios that need this are skipped there; so are they
        on an emulator whose clock runs on its own (a shared sandbox), unless allowed."""
        self.require_emulator("moves the clock")
        if not self.allow_clock and self.clock_mode in ("real", "accelerated"):
            raise Skip(f"needs --allow-clock: it moves the clock, which runs "
                       f"{self.clock_mode} here")
        self.control("POST", "/_mock/clock/advance", {"seconds": seconds})

    @property
    def clock_mode(self) -> str:
        """The emulator's clock: virtual (moves only when told), real or accelerated."""
        if self._clock_mode is None:
            answer = self.control("GET", "/_mock/clock")
            mode = answer.get("mode") if isinstance(answer, dict) else None
            self._clock_mode = mode if isinstance(mode, str) else "unknown"
        return self._clock_mode

    @property
    def may_spend(self) -> bool:
        """Whether a scenario may send a message: always on the emulator, else when allowed."""
        return self.emulator or (self.spend and bool(self.phone))

    def real_phone(self) -> str:
        """The number a scenario may text on a real service: only with spend and a phone."""
        if self.emulator:
            return "79161234567"
        if not (self.spend and self.phone):
            raise Skip("sends a real SMS: set CONFORMANCE_SPEND=1 and CONFORMANCE_PHONE")
        return self.phone


def env_credentials(environ: dict[str, str]) -> dict[str, Credentials]:
    """PROVIDER_LOGIN / PROVIDER_PASSWORD (/ PROVIDER_SENDER) for each provider that has both:
    SMSC_LOGIN, SMSPAGER_LOGIN, TARGETSMS_LOGIN, ..."""
    found = {}
    for provider in PROVIDERS:
        prefix = provider.upper()
        login, password = environ.get(f"{prefix}_LOGIN"), environ.get(f"{prefix}_PASSWORD")
        if login and password:
            found[provider] = Credentials(login, password, environ.get(f"{prefix}_SENDER", ""))
    return found


def real_target(provider: str, environ: dict[str, str]) -> Target | None:
    """The real service of `provider` as the environment describes it, or None without
    credentials. PROVIDER_URL overrides the documented address; CONFORMANCE_SPEND=1 with
    CONFORMANCE_PHONE (the tester's own number) allows the scenarios that send real SMS."""
    credentials = env_credentials(environ)
    if provider not in credentials:
        return None
    url = environ.get(f"{provider.upper()}_URL") or REAL_URLS[provider]
    return Target(url, credentials=credentials, spend=environ.get("CONFORMANCE_SPEND") == "1",
                  phone=environ.get("CONFORMANCE_PHONE") or None)
