"""The dialects as a recording sees them, each declared by its provider
(`Provider.recording`, sms_mocks.seam.recording): which one a path is, what a (redacted)
request says (its parameters, its login, the password markers it logged in with, the senders
it names), and whose accounts it uses. A cassette may hold anything a client sent: reading it
never fails, and a dialect no provider declares has few facts."""

from __future__ import annotations

from dataclasses import dataclass

from sms_mocks.record.cassette import Request, charset_of
from sms_mocks.seam import registry
from sms_mocks.seam.recording import Dialect, RequestFacts, Sent


@dataclass(frozen=True, slots=True)
class _Known:
    generation: int
    dialects: dict[str, Dialect]  # by name, in the registry's order
    owners: dict[str, str]  # dialect → the provider whose accounts it uses
    senders: dict[str, tuple[str, ...]]  # provider → what its real accounts may sign as


_known: _Known | None = None


def _table() -> _Known:
    """What the registry's providers declare, read again when the registry changes."""
    global _known
    if _known is None or _known.generation != registry.generation:
        providers = registry.providers()  # loads them, which may change the generation
        dialects, owners, senders = {}, {}, {}
        for provider in providers:
            if provider.recording is None:
                continue
            senders[provider.name] = provider.recording.replay_senders
            for one in provider.recording.dialects:
                dialects[one.name] = one
                owners[one.name] = provider.name
        _known = _Known(registry.generation, dialects, owners, senders)
    return _known


def all_dialects() -> tuple[Dialect, ...]:
    return tuple(_table().dialects.values())


def dialect(name: str) -> Dialect | None:
    return _table().dialects.get(name)


def provider_of(path: str) -> str:
    """The dialect whose path this is (an exact path before a prefix); "" for none."""
    bare = path.split("?", 1)[0]
    known = all_dialects()
    found = next((d for d in known if bare in d.paths), None) or \
        next((d for d in known if bare.startswith(d.prefixes)), None)
    return found.name if found else ""


def account_provider(name: str) -> str | None:
    """The provider whose accounts a dialect's requests log in to."""
    return _table().owners.get(name)


def replay_senders(provider: str) -> tuple[str, ...]:
    return _table().senders.get(provider, ())


def sent(request: Request) -> Sent:
    return Sent(request.method, request.path, request.headers, request.body.text)


def read(name: str, request: Request) -> RequestFacts:
    """The request's facts; an unreadable request has few, never an exception."""
    found = dialect(name)
    if found is None:
        return RequestFacts(name, request.path.split("?", 1)[0])
    return found.read(sent(request))


def auth_failed(name: str, answer: str) -> bool:
    """Whether the answer says the credentials were wrong."""
    found = dialect(name)
    return bool(found and found.auth_failed.search(answer))


def request_charsets(name: str, content_type: str | None) -> list[str | None]:
    """The charsets a request body may be in, most likely first: the declared one, UTF-8,
    then the dialect's default."""
    found = dialect(name)
    return [charset_of(content_type), "utf-8", found.charset if found else None]
