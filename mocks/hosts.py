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

# Keyed by the raw header bytes, so the common case costs one dict lookup.
_BY_HEADER: dict[bytes, str] = {name.encode(): provider for name, provider in REAL_HOSTS.items()}


def provider_of_host(host: bytes | None) -> str | None:
    """The provider whose real host a Host header names (any port, any case, a trailing dot),
    else None."""
    if not host:
        return None
    provider = _BY_HEADER.get(host)
    if provider is not None:
        return provider
    if host.startswith(b"["):  # an IPv6 literal is never a provider's host
        return None
    name = host.rsplit(b":", 1)[0] if b":" in host else host
    return _BY_HEADER.get(name.rstrip(b".").lower())
