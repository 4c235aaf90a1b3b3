"""What `sms-mocks record` and `sms-mocks diff` need to know of a provider's APIs, declared by
the provider (`Provider.recording`) so that `sms_mocks.record` names none: which paths each
dialect serves, what a recorded request says (its login, the password markers it logged in
with, its senders), which answers say the credentials were wrong, how a text answer is cut
into fields, which message ids a request names, and which coverage-table rows an exchange is
evidence for.

A cassette may hold anything a client sent: the readers use regular expressions and the
standard library, and must never fail. The helpers below are the pieces dialects share.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

# The kinds of placeholder an answer's field may be: values that follow the account and the
# clock rather than the emulator's fidelity (sms_mocks.record.fields says which is which).
ID, DATE, TIMESTAMP, MONEY, COUNT = "id", "date", "timestamp", "money", "count"
KINDS = (ID, DATE, TIMESTAMP, MONEY, COUNT)

Raw = tuple[str, int, int, str]  # a field's name, start, end, the kind its place implies ("": ask)
RowKey = tuple[str, str, str]  # a row of conformance/coverage.toml: provider, kind, item


@dataclass(frozen=True, slots=True)
class Sent:
    """A recorded request, as a dialect's reader is given it."""

    method: str
    path: str  # path and query, as sent
    headers: Sequence[tuple[str, str]]
    body: str

    @property
    def bare(self) -> str:
        return self.path.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.path.partition("?")[2]

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


@dataclass(slots=True)
class RequestFacts:
    """What a recorded request says, in its dialect's words."""

    provider: str  # the dialect's name
    command: str  # send.php, status.php, send (SOAP's body element), send.xml, sendsms.php
    params: dict[str, str] = field(default_factory=dict)
    elements: list[str] = field(default_factory=list)  # an XML body's, in order
    login: str = ""
    passwords: list[str] = field(default_factory=list)  # the password parameters' values
    api_keys: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IdNames:
    """Where a dialect's requests name message ids, which a replay rewrites to its own."""

    query: tuple[str, ...] = ()  # query or form parameters (a comma-separated list)
    xml: tuple[str, ...] = ()  # elements holding one id
    json: tuple[str, ...] = ()  # keys holding one id
    json_lists: tuple[str, ...] = ()  # keys holding a list of ids


@dataclass(frozen=True)
class Dialect:
    """One API of a provider as a recording sees it."""

    name: str  # what cassettes and recorded goldens call it: the provider's name, or another
    read: Callable[[Sent], RequestFacts]  # never raises
    # The coverage rows (facts, answer) is evidence for; an item ending in * names the rows
    # it begins, and one word names the rows it is the first word of.
    rows: Callable[[RequestFacts, str], list[RowKey]]
    auth_failed: re.Pattern[str]  # found in an answer that says the credentials were wrong
    paths: tuple[str, ...] = ()  # the paths it serves exactly (these win over any prefix)
    prefixes: tuple[str, ...] = ()  # and by their beginning
    # An answer that is neither XML nor JSON, cut into fields; None: one field, "answer".
    text_fields: Callable[[RequestFacts, str], list[Raw]] | None = None
    charset: str | None = None  # a request body's, when neither its declared one nor UTF-8
    command_in_body: bool = False  # its path does not name the command (diff's lines show it)
    ids: IdNames = IdNames()
    redacted: tuple[str, ...] = ()  # where its secrets go beyond a form's, for a cassette's note

    def serves(self, path: str) -> bool:
        return path in self.paths or path.startswith(self.prefixes)


@dataclass(frozen=True)
class Recording:
    """A provider's dialects, and what a replay must know of its real accounts."""

    dialects: tuple[Dialect, ...]
    replay_senders: tuple[str, ...] = ()  # every real account may sign so without registering


# --- shared reading helpers ------------------------------------------------------------------

_LEAF = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>([^<>]*)</(?:[\w.-]+:)?\1\s*>")
_ATTRIBUTE = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)\s([^<>]*?)/?>")


def form(text: str, encoding: str) -> dict[str, str]:
    """A query or a form, each value decoded in `encoding` (latin-1 if it cannot be)."""
    # Read as latin-1 so that no byte is lost, then decode each value in the dialect's charset.
    out: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1"):
        raw = value.encode("latin-1")
        try:
            out[key] = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            out[key] = raw.decode("latin-1")
    return out


def is_form(sent: Sent) -> bool:
    kind = (sent.header("content-type") or "").lower()
    return sent.method != "GET" and (
        "x-www-form-urlencoded" in kind or (not kind and "=" in sent.body
                                           and not sent.body.lstrip().startswith("<")))


def json_object(text: str) -> dict[str, object] | None:
    """A JSON object's members; None for anything else."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def xml_leaves(text: str) -> list[tuple[str, str]]:
    """(local name, unescaped text) of each element holding only text, in order, and each
    attribute as (element@attribute, value)."""
    leaves = [(m.group(1), html.unescape(m.group(2)).strip()) for m in _LEAF.finditer(text)]
    for tag in _ATTRIBUTE.finditer(text):
        for name, _, value in re.findall(r"([\w.:-]+)\s*=\s*(['\"])(.*?)\2", tag.group(2)):
            if not name.startswith("xmlns"):
                leaves.append((f"{tag.group(1)}@{name}", html.unescape(value)))
    return leaves


def credentials(facts: RequestFacts, login: str, passwords: tuple[str, ...], sender: str,
                key_without_login: bool = False) -> RequestFacts:
    """`facts` with its login, passwords, API keys (`apikey`) and sender filled from the
    parameters of these names; `key_without_login`: a password sent without a login is an
    API key."""
    params = facts.params
    facts.login = params.get(login, "").strip()
    facts.passwords = [params[p] for p in passwords if params.get(p)]
    facts.api_keys = [params["apikey"]] if params.get("apikey") else []
    if key_without_login and not facts.login and facts.passwords:
        facts.api_keys += facts.passwords
        facts.passwords = []
    facts.senders = [s for s in [params.get(sender, "").strip()] if s]
    return facts
