"""The providers the emulator serves: the built-in packages, any that installed packages offer
through the `sms_mocks.providers` entry point group, and any registered at run time (a test's
toy provider). Loaded on first use, by name, so that nothing outside `providers/` imports one.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from sms_mocks.core.accounts import SHARED_SENDERS
from sms_mocks.seam.provider import Provider

PACKAGE = "sms_mocks.providers"  # the built-in providers' packages, named in its BUILT_IN
ENTRY_POINTS = PACKAGE  # the entry point group other distributions add providers through

_providers: dict[str, Provider] = {}
_by_path: dict[str, Provider] = {}
_by_host: dict[bytes, str] = {}
_loaded = False
generation = 0  # counts changes, so that caches of what the registry says know when to go


def _load() -> None:
    global _loaded
    _loaded = True
    # Imported by name: the providers depend on the seam, never the other way round.
    for name in importlib.import_module(PACKAGE).BUILT_IN:
        register(importlib.import_module(f"{PACKAGE}.{name}.provider").PROVIDER)
    for point in entry_points(group=ENTRY_POINTS):
        register(point.load())


def register(provider: Provider) -> Provider:
    """Serve `provider` in apps built from now on; its name, paths and hosts must be new."""
    if not _loaded:
        _load()
    if provider.name in _providers:
        raise ValueError(f"a provider named {provider.name!r} is already registered")
    taken = [path for path in provider.paths if path in _by_path]
    if taken:
        raise ValueError(f"{provider.name}: paths already served: {', '.join(taken)}")
    _providers[provider.name] = provider
    _by_path.update({path: provider for path in provider.paths})
    _by_host.update({host.encode(): provider.name for host in provider.hosts})
    if provider.shared_senders:
        SHARED_SENDERS[provider.name] = provider.shared_senders
    _changed()
    return provider


def unregister(name: str) -> None:
    """Forget a provider registered at run time (a test's own)."""
    provider = _providers.pop(name)
    for path in provider.paths:
        _by_path.pop(path, None)
    for host in provider.hosts:
        _by_host.pop(host.encode(), None)
    SHARED_SENDERS.pop(name, None)
    _changed()


def _changed() -> None:
    global generation
    generation += 1


def providers() -> tuple[Provider, ...]:
    if not _loaded:
        _load()
    return tuple(_providers.values())


def names() -> tuple[str, ...]:
    return tuple(provider.name for provider in providers())


def get(name: str) -> Provider:
    if not _loaded:
        _load()
    return _providers[name]


def owner_of(path: str) -> Provider | None:
    """The provider whose routes serve exactly this path, else None."""
    if not _loaded:
        _load()
    return _by_path.get(path)


def host_names() -> dict[bytes, str]:
    """Real host name (lower case) → provider name."""
    if not _loaded:
        _load()
    return _by_host
