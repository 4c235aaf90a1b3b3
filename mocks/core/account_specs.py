"""An account as a spec (the table a configuration file holds, the body POST /_mock/accounts
takes, the JSON the store keeps) and back.

What the spec is checked against (which providers exist, the senders an account of each gets
when it names none, the documented limit rules) comes from the caller as a Catalogue: the core
knows no registry, so a spec is read the same way wherever the providers come from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sms_mocks.core.accounts import Account, NotifyGroup, SenderState, Tariff
from sms_mocks.core.carriers import CARRIERS, HEALTHY
from sms_mocks.core.limits import RULE_FIELDS, Rule
from sms_mocks.core.money import to_money


class SpecError(ValueError):
    """A spec is wrong; the message names the key and fits on one line."""


class ProviderTerms(Protocol):
    """What a provider tells about its accounts (seam.provider.Provider has these)."""

    @property
    def name(self) -> str: ...

    @property
    def default_senders(self) -> tuple[str, ...]: ...

    @property
    def limits(self) -> Mapping[str, Rule]: ...


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What specs are checked against: provider name → the senders approved for an account
    configured without any, and every documented limit rule by name ("<provider>.<rule>")."""

    senders: Mapping[str, tuple[str, ...]]
    rules: Mapping[str, Rule]

    @classmethod
    def of(cls, providers: Iterable[ProviderTerms]) -> Catalogue:
        listed = tuple(providers)
        return cls(senders={p.name: tuple(p.default_senders) for p in listed},
                   rules={name: rule for p in listed for name, rule in p.limits.items()})


_KEYS = frozenset({
    "provider", "login", "password", "balance", "currency", "credit", "api_keys", "tariff",
    "senders", "stop_list", "groups", "blocked", "tz", "limits", "closed", "banned_words",
    "packages", "test_mode", "callback_url", "callback_secret", "notify_groups", "carrier"})
_STRINGS = ("provider", "login", "password", "currency", "callback_url", "callback_secret")
_LISTS = ("api_keys", "stop_list", "closed", "banned_words")
_TABLES = ("senders", "tariff", "groups", "packages", "limits", "notify_groups")
_GROUP_KEYS = {"contacts", "fail_text", "ok_text", "sender", "channel"}


def account_from_spec(spec: Mapping[str, Any], catalogue: Catalogue) -> Account:
    """Build an account from a spec; SpecError says what is wrong with it."""
    unknown = set(spec) - _KEYS
    if unknown:
        raise SpecError(f"unknown account keys: {', '.join(sorted(unknown))}")
    try:
        provider = str(spec["provider"])
        login = str(spec["login"])
    except KeyError as missing:
        raise SpecError(f"an account needs {missing.args[0]!r}") from None
    if provider not in catalogue.senders:
        raise SpecError(f"unknown provider {provider!r}; one of "
                        f"{', '.join(catalogue.senders)}")
    _check_types(spec)
    try:
        named = spec.get("senders", {name: "approved"
                                     for name in catalogue.senders[provider]})
        senders = {str(k): SenderState(v) for k, v in named.items()}
        tariff = Tariff({str(k): to_money(v) for k, v in spec["tariff"].items()}) \
            if "tariff" in spec else Tariff()
        return Account(
            provider=provider,
            login=login,
            password=str(spec.get("password", "")),
            balance=to_money(spec.get("balance", "1000.00")),
            currency=str(spec.get("currency", "RUR")),
            credit=to_money(spec.get("credit", "0")),
            api_keys={str(k) for k in spec.get("api_keys", ())},
            tariff=tariff,
            senders=senders,
            stop_list={str(p) for p in spec.get("stop_list", ())},
            groups={str(k): [str(p) for p in v] for k, v in spec.get("groups", {}).items()},
            closed={str(d) for d in spec.get("closed", ())},
            banned_words={str(w).lower() for w in spec.get("banned_words", ())},
            packages={str(k): int(v) for k, v in spec.get("packages", {}).items()},
            blocked=bool(spec.get("blocked", False)),
            tz=int(spec.get("tz", 0)),
            limits=limit_overrides(spec.get("limits", {}), catalogue),
            test_mode=bool(spec.get("test_mode", False)),
            callback_url=str(spec.get("callback_url", "")),
            callback_secret=str(spec.get("callback_secret", "")),
            notify_groups={str(k): _notify_group(k, v)
                           for k, v in spec.get("notify_groups", {}).items()},
            carrier=spec.get("carrier", HEALTHY),
        )
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:  # SpecError too
        raise SpecError(f"account {provider}/{login}: {exc}") from None


def spec_of(account: Account, *, password: bool = False) -> dict[str, Any]:
    """The account as a spec that account_from_spec reads back to an equal account. The
    password only when asked (the store keeps it; the control API does not show it)."""
    spec: dict[str, Any] = {
        "provider": account.provider,
        "login": account.login,
        "balance": str(account.balance),
        "currency": account.currency,
        "credit": str(account.credit),
        "api_keys": sorted(account.api_keys),
        "tariff": {k: str(v) for k, v in account.tariff.prices.items()},
        "senders": {k: v.value for k, v in account.senders.items()},
        "stop_list": sorted(account.stop_list),
        "groups": account.groups,
        "closed": sorted(account.closed),
        "banned_words": sorted(account.banned_words),
        "packages": account.packages,
        "blocked": account.blocked,
        "tz": account.tz,
        "limits": account.limits,
        "test_mode": account.test_mode,
        "callback_url": account.callback_url,
        "callback_secret": account.callback_secret,
        "carrier": account.carrier,
        "notify_groups": {k: {"contacts": g.contacts, "fail_text": g.fail_text,
                              "ok_text": g.ok_text, "sender": g.sender, "channel": g.channel}
                          for k, g in account.notify_groups.items()},
    }
    if password:
        spec["password"] = account.password
    return spec


def _check_types(spec: Mapping[str, Any]) -> None:
    """Refuse wrong JSON/TOML types outright rather than coercing them into surprises."""
    for key in _STRINGS:
        if key in spec and not isinstance(spec[key], str):
            raise SpecError(f"{key} must be a string")
    for key in _LISTS:
        if key in spec and not (isinstance(spec[key], list)
                                and all(isinstance(v, str) for v in spec[key])):
            raise SpecError(f"{key} must be a list of strings")
    for key in _TABLES:
        if key in spec and not isinstance(spec[key], dict):
            raise SpecError(f"{key} must be a table")
    for key in ("blocked", "test_mode"):
        if key in spec and not isinstance(spec[key], bool):
            raise SpecError(f"{key} must be true or false")
    url = spec.get("callback_url", "")
    if url and not (url.startswith(("http://", "https://")) and url.isascii()):
        raise SpecError(f"callback_url must be an http:// or https:// URL, not {url!r}")
    if spec.get("carrier", HEALTHY) not in CARRIERS:
        raise SpecError(f"carrier is one of {', '.join(CARRIERS)}")
    tz = spec.get("tz", 0)
    if isinstance(tz, bool) or not isinstance(tz, int) or not -12 <= tz <= 12:
        raise SpecError("tz must be a whole number of hours from Moscow, -12..12")
    for name, count in spec.get("packages", {}).items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise SpecError(f"package {name!r} must be a whole number >= 0")


def _notify_group(name: str, raw: Any) -> NotifyGroup:
    """A ping.php job group: { contacts = [...], fail_text = "...", ok_text = "...", ... }."""
    if not isinstance(raw, dict) or set(raw) - _GROUP_KEYS:
        raise SpecError(f"notify group {name!r}: a table of {', '.join(sorted(_GROUP_KEYS))}")
    contacts = raw.get("contacts")
    if not (isinstance(contacts, list) and contacts and all(isinstance(c, str)
                                                             for c in contacts)):
        raise SpecError(f"notify group {name!r}: contacts is a non-empty list of strings")
    texts = {k: raw[k] for k in ("fail_text", "ok_text", "sender", "channel") if k in raw}
    if not all(isinstance(v, str) for v in texts.values()):
        raise SpecError(f"notify group {name!r}: texts, sender and channel are strings")
    if texts.get("channel", "sms") not in ("sms", "mail"):
        raise SpecError(f"notify group {name!r}: channel is \"sms\" or \"mail\"")
    return NotifyGroup(contacts=list(contacts), **texts)


def _flatten_limits(raw: Any, catalogue: Catalogue) -> dict[str, Any]:
    """Rule names contain a dot, so TOML's `smsc.duplicate_send = false` (a dotted key) and
    `[limits.smsc]` tables arrive nested; both mean the rule "smsc.duplicate_send"."""
    if not isinstance(raw, dict):
        raise SpecError("limits must be a table of rule names")
    flat: dict[str, Any] = {}
    for name, value in raw.items():
        if name in catalogue.senders and isinstance(value, dict):
            flat.update({f"{name}.{rule}": setting for rule, setting in value.items()})
        else:
            flat[name] = value
    return flat


def limit_overrides(raw: Any, catalogue: Catalogue) -> dict[str, Any]:
    """Limit overrides by rule name, checked: each `true`/`false` or a table of some of a
    Rule's fields, with numbers of the right type and never negative."""
    flat = _flatten_limits(raw, catalogue)
    for name, value in flat.items():
        if name not in catalogue.rules:
            raise SpecError(f"unknown limit {name!r}; one of {', '.join(catalogue.rules)}")
        if not isinstance(value, bool | dict):
            raise SpecError(f"limit {name!r}: true, false or a table")
        if isinstance(value, dict):
            for field_name, setting in value.items():
                if field_name not in RULE_FIELDS:
                    raise SpecError(f"limit {name!r}: unknown field {field_name!r}; one of "
                                    f"{', '.join(RULE_FIELDS)}")
                wanted = bool if field_name == "enabled" else (int, float)
                if isinstance(setting, bool) is not (wanted is bool) or not isinstance(
                        setting, wanted):
                    raise SpecError(f"limit {name!r}: {field_name} has the wrong type")
                if field_name == "max" and not isinstance(setting, int):
                    raise SpecError(f"limit {name!r}: max is a whole number")
            _check_range(name, value)
    return flat


def _check_range(name: str, table: Mapping[str, Any]) -> None:
    """A count or a number of seconds: never negative (max = -1 would refuse every request)."""
    for field_name, value in table.items():
        if field_name != "enabled" and isinstance(value, int | float) and not (
                math.isfinite(value) and value >= 0):
            raise SpecError(f"limit {name!r}: {field_name} must be a number >= 0")
