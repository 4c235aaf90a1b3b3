"""Host routing: the providers' real host names (each provider declares its own).

A client with a hard-coded `https://smsc.ru/sys/` reaches the emulator through a hosts entry;
its Host header then names the real host, and only that provider's paths answer there, as on
the real host. Any other Host (localhost, an IP, a container name) serves every provider.
"""

from __future__ import annotations

from sms_mocks.seam import registry

# Host header → provider, as seen: a server hears a handful of Host values, so the usual cost
# on every provider request is one dict lookup. Cleared when full (a client may send anything).
_SEEN: dict[bytes, str | None] = {}
_SEEN_MAX = 256
_seen_generation = -1  # the registry's, when _SEEN was begun


def provider_of_host(host: bytes | None) -> str | None:
    """The provider whose real host a Host header names (any port, any case, a trailing dot),
    else None."""
    global _seen_generation
    if not host:
        return None
    if _seen_generation != registry.generation:
        _SEEN.clear()
        _seen_generation = registry.generation
    try:
        return _SEEN[host]
    except KeyError:
        pass
    provider = _read(host)
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[host] = provider
    return provider


def _read(host: bytes) -> str | None:
    if host.startswith(b"["):  # an IPv6 literal is never a provider's host
        return None
    name = host.rsplit(b":", 1)[0] if b":" in host else host
    return registry.host_names().get(name.rstrip(b".").lower())


def real_hosts() -> list[str]:
    """Every provider's real host names."""
    return [host for provider in registry.providers() for host in provider.hosts]
