"""The providers' real host names, for host routing and the TLS certificate.

A client with a hard-coded `https://smsc.ru/sys/` reaches the emulator through a hosts entry;
its Host header then names the real host, and only that provider's paths answer there, as on
the real host. Any other Host (localhost, an IP, a container name) serves every provider.
"""

from __future__ import annotations

# Host → provider (the names app.py groups the routes by). The documents' base URLs: SMSC
# `https://smsc.ru/sys/` (002), `https://smsc.ua/sys/soap.php` (003); TargetSMS
# `https://sms.targetsms.ru/sendsms.php` (001); SMS-Pager
# `https://transport.sms-pager.com:7214/` (000). The official SMSC libraries retry on
# www2.smsc.ru … www5.smsc.ru (FACTS B.1).
REAL_HOSTS: dict[str, str] = {
    "smsc.ru": "smsc",
    "www2.smsc.ru": "smsc",
    "www3.smsc.ru": "smsc",
    "www4.smsc.ru": "smsc",
    "www5.smsc.ru": "smsc",
    "smsc.ua": "smsc",
    "sms.targetsms.ru": "targetsms",
    "transport.sms-pager.com": "smspager",
}

_BY_NAME: dict[bytes, str] = {name.encode(): provider for name, provider in REAL_HOSTS.items()}
# Host header → provider, as seen: a server hears a handful of Host values, so the usual cost
# on every provider request is one dict lookup. Cleared when full (a client may send anything).
_SEEN: dict[bytes, str | None] = {}
_SEEN_MAX = 256


def provider_of_host(host: bytes | None) -> str | None:
    """The provider whose real host a Host header names (any port, any case, a trailing dot),
    else None."""
    if not host:
        return None
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
    return _BY_NAME.get(name.rstrip(b".").lower())
