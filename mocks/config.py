"""Settings: built-in defaults that make the documents' examples run verbatim, overlaid by an
optional TOML file. Every key is documented in README.md ("Configuration")."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sms_mocks import environment
from sms_mocks.core.accounts import Account, NotifyGroup, SenderState, Tariff
from sms_mocks.core.carriers import CARRIERS, HEALTHY
from sms_mocks.core.delivery import Timings
from sms_mocks.core.limits import Limits, Rule
from sms_mocks.core.money import to_money
from sms_mocks.core.outcomes import OutcomeRule, rule_from_spec
from sms_mocks.faults.rules import FaultSpecError, build
from sms_mocks.outbox import DEFAULT_CALLBACK_ALLOW, CallbackAllow
from sms_mocks.providers.smsc.soap import DEFAULT_NAMESPACE, NAMESPACES

PROVIDERS = ("smsc", "smspager", "targetsms")
MAX_JOURNAL = 1_000_000  # each entry keeps up to 5 KiB
MAX_SINK_MIB = 65_536  # [control] sink_mib: what /_mock/sink keeps in all, at most

# SMSC's documented limits (002 and FACTS B.1–B.3); names are what config files use.
DEFAULT_RULES: dict[str, Rule] = {
    "smsc.duplicate_send": Rule(max=1, window=60),
    "smsc.duplicate_cost": Rule(max=5, window=60),
    "smsc.status_per_message": Rule(max=5, window=60),
    # "more than one mass request within a minute" (smscentre.com's status-answer page)
    "smsc.duplicate_status_multi": Rule(max=1, window=60),
    "smsc.balance_requests": Rule(max=10, window=60),
    "smsc.concurrent": Rule(max=14),  # "15 or more at once" is refused
    "smsc.per_number_flood": Rule(max=50, window=60),
    "smsc.error_block": Rule(max=30, block=600),
    "smsc.templates_identical": Rule(max=3, window=60),  # templates.php
    "smsc.op_templates_identical": Rule(max=10, window=60),  # op_templates.php
    "smsc.ping_identical": Rule(max=5, window=60),  # ping.php
    "targetsms.duplicate": Rule(max=1, window=60),  # 001: identical requests once a minute
}

DEFAULT_ACCOUNTS: list[dict[str, Any]] = [
    {
        "provider": "smsc",
        "login": "alex",
        "password": "123",
        "balance": "1000.00",
        "senders": {"SMSC": "approved", "ivan": "approved", "79991234567": "approved",
                    "alex2@mysite2.com": "approved"},
        # 002 sends to "G777,g888"; these groups make that example run.
        "groups": {"777": ["79999999999", "79999999998"], "888": ["79161234567"]},
    },
    {
        # 000's examples log in as test/123456 and sign as "Magazin".
        "provider": "smspager",
        "login": "test",
        "password": "123456",
        "balance": "1000.00",
        "senders": {"Magazin": "approved", "SMS-Pager": "approved"},
    },
    {
        # 001 shows no credentials; its balance example (445.6 RUR and the package line) is
        # what this account answers.
        "provider": "targetsms",
        "login": "demo",
        "password": "demo",
        "balance": "445.6",
        "senders": {"TargetSMS": "approved", "Shop": "approved"},
        "packages": {"Россия": 361, "МТС": 1, "Мегафон": 1, "Skylink": 1, "Yota": 1,
                     "Байкалвестком": 1, "Уралсвязьинформ": 1, "Енисейтелеком": 1, "НСС": 1,
                     "Мотив": 1, "Tele2": 1, "СМАРТС": 1, "Ростелеком": 1, "BeeLine": 1,
                     "Остальные": 1},
    },
]


class ConfigError(ValueError):
    pass


@dataclass(slots=True)
class Settings:
    clock: str = "real"  # "real" or "virtual"
    clock_speed: float = 1.0
    clock_start: float | None = None  # epoch seconds; None: now
    seed: int = 0
    freeze_gc: bool = False  # a long-running server (the CLI) sets this; tests need not
    public_url: str | None = None  # where clients reach us, for the WSDL's address
    smsc_soap_namespace: str = DEFAULT_NAMESPACE
    journal_size: int = 1000  # provider requests the journal keeps; 0 disables it
    control_token: str | None = None  # lets non-loopback clients use /_mock/ (control/access.py)
    sink_bytes: int = 64 * 1024 * 1024  # [control] sink_mib: what /_mock/sink keeps in all
    log_format: str | None = None  # a line per provider request: json, text, off (None: off)
    timings: Timings = field(default_factory=Timings)
    rules: dict[str, Rule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    accounts: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(a) for a in DEFAULT_ACCOUNTS])
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # [[outcomes]] rules
    faults: list[dict[str, Any]] = field(default_factory=list)  # [[faults]] rule specs
    data_dir: str | None = None  # --data-dir: keep the sandbox in SQLite there (mocks/store)
    # where callbacks may go (outbox.CallbackAllow): networks, addresses, host names, ":port"
    callback_allow: tuple[str, ...] = DEFAULT_CALLBACK_ALLOW

    def limits(self) -> Limits:
        return Limits(dict(self.rules))


def account_from_spec(spec: dict[str, Any]) -> Account:
    """Build an account from a config table or a control-API body (the same keys)."""
    known = {"provider", "login", "password", "balance", "currency", "credit", "api_keys",
             "tariff", "senders", "stop_list", "groups", "blocked", "tz", "limits", "closed",
             "banned_words", "packages", "test_mode", "callback_url", "callback_secret",
             "notify_groups", "carrier"}
    unknown = set(spec) - known
    if unknown:
        raise ConfigError(f"unknown account keys: {', '.join(sorted(unknown))}")
    try:
        provider = str(spec["provider"])
        login = str(spec["login"])
    except KeyError as missing:
        raise ConfigError(f"an account needs {missing.args[0]!r}") from None
    if provider not in PROVIDERS:
        raise ConfigError(f"unknown provider {provider!r}; one of {', '.join(PROVIDERS)}")
    _check_types(spec)
    try:
        senders = {str(k): SenderState(v) for k, v in spec.get("senders", {"SMSC": "approved"})
                   .items()}
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
            limits=_limit_overrides(spec.get("limits", {})),
            test_mode=bool(spec.get("test_mode", False)),
            callback_url=str(spec.get("callback_url", "")),
            callback_secret=str(spec.get("callback_secret", "")),
            notify_groups={str(k): _notify_group(k, v)
                           for k, v in spec.get("notify_groups", {}).items()},
            carrier=spec.get("carrier", HEALTHY),
        )
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ConfigError(f"account {provider}/{login}: {exc}") from None


_STRINGS = ("provider", "login", "password", "currency", "callback_url", "callback_secret")
_LISTS = ("api_keys", "stop_list", "closed", "banned_words")
_TABLES = ("senders", "tariff", "groups", "packages", "limits", "notify_groups")


def outcome_rules(specs: list[dict[str, Any]]) -> list[OutcomeRule]:
    """The configured outcome rules, numbered from 1 in their order."""
    rules = []
    for number, spec in enumerate(specs, 1):
        try:
            rules.append(rule_from_spec(spec, number, PROVIDERS))
        except ValueError as exc:
            raise ConfigError(f"[[outcomes]] #{number}: {exc}") from None
    return rules


def _check_types(spec: dict[str, Any]) -> None:
    """Refuse wrong JSON/TOML types outright rather than coercing them into surprises."""
    for key in _STRINGS:
        if key in spec and not isinstance(spec[key], str):
            raise ConfigError(f"{key} must be a string")
    for key in _LISTS:
        if key in spec and not (isinstance(spec[key], list)
                                and all(isinstance(v, str) for v in spec[key])):
            raise ConfigError(f"{key} must be a list of strings")
    for key in _TABLES:
        if key in spec and not isinstance(spec[key], dict):
            raise ConfigError(f"{key} must be a table")
    for key in ("blocked", "test_mode"):
        if key in spec and not isinstance(spec[key], bool):
            raise ConfigError(f"{key} must be true or false")
    url = spec.get("callback_url", "")
    if url and not (url.startswith(("http://", "https://")) and url.isascii()):
        raise ConfigError(f"callback_url must be an http:// or https:// URL, not {url!r}")
    if spec.get("carrier", HEALTHY) not in CARRIERS:
        raise ConfigError(f"carrier is one of {', '.join(CARRIERS)}")
    tz = spec.get("tz", 0)
    if isinstance(tz, bool) or not isinstance(tz, int) or not -12 <= tz <= 12:
        raise ConfigError("tz must be a whole number of hours from Moscow, -12..12")
    for name, count in spec.get("packages", {}).items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigError(f"package {name!r} must be a whole number >= 0")


_GROUP_KEYS = {"contacts", "fail_text", "ok_text", "sender", "channel"}


def _notify_group(name: str, raw: Any) -> NotifyGroup:
    """A ping.php job group: { contacts = [...], fail_text = "...", ok_text = "...", ... }."""
    if not isinstance(raw, dict) or set(raw) - _GROUP_KEYS:
        raise ConfigError(f"notify group {name!r}: a table of {', '.join(sorted(_GROUP_KEYS))}")
    contacts = raw.get("contacts")
    if not (isinstance(contacts, list) and contacts and all(isinstance(c, str)
                                                             for c in contacts)):
        raise ConfigError(f"notify group {name!r}: contacts is a non-empty list of strings")
    texts = {k: raw[k] for k in ("fail_text", "ok_text", "sender", "channel") if k in raw}
    if not all(isinstance(v, str) for v in texts.values()):
        raise ConfigError(f"notify group {name!r}: texts, sender and channel are strings")
    if texts.get("channel", "sms") not in ("sms", "mail"):
        raise ConfigError(f"notify group {name!r}: channel is \"sms\" or \"mail\"")
    return NotifyGroup(contacts=list(contacts), **texts)


def _flatten_limits(raw: Any) -> dict[str, Any]:
    """Rule names contain a dot, so TOML's `smsc.duplicate_send = false` (a dotted key) and
    `[limits.smsc]` tables arrive nested; both mean the rule "smsc.duplicate_send"."""
    if not isinstance(raw, dict):
        raise ConfigError("limits must be a table of rule names")
    flat: dict[str, Any] = {}
    for name, value in raw.items():
        if name in PROVIDERS and isinstance(value, dict):
            flat.update({f"{name}.{rule}": setting for rule, setting in value.items()})
        else:
            flat[name] = value
    return flat


def _limit_overrides(raw: Any) -> dict[str, Any]:
    raw = _flatten_limits(raw)
    for name, value in raw.items():
        if name not in DEFAULT_RULES:
            raise ConfigError(f"unknown limit {name!r}; one of {', '.join(DEFAULT_RULES)}")
        if not isinstance(value, bool | dict):
            raise ConfigError(f"limit {name!r}: true, false or a table")
        if isinstance(value, dict):
            try:
                Rule().with_overrides(value)  # validates the keys
            except TypeError as exc:
                raise ConfigError(f"limit {name!r}: {exc}") from None
            for field_name, setting in value.items():
                wanted = bool if field_name == "enabled" else (int, float)
                if isinstance(setting, bool) is not (wanted is bool) or not isinstance(
                        setting, wanted):
                    raise ConfigError(f"limit {name!r}: {field_name} has the wrong type")
            _check_range(name, value)
    return dict(raw)


def _rule(name: str, raw: Any) -> Rule:
    try:
        rule = DEFAULT_RULES[name].with_overrides(raw)
    except TypeError as exc:
        raise ConfigError(f"limit {name!r}: {exc}") from None
    if isinstance(raw, dict):
        _check_range(name, raw)
    return rule


def _check_range(name: str, table: dict[str, Any]) -> None:
    """A count or a number of seconds: never negative (max = -1 would refuse every request)."""
    for field_name, value in table.items():
        if field_name != "enabled" and isinstance(value, int | float) and not (
                math.isfinite(value) and value >= 0):
            raise ConfigError(f"limit {name!r}: {field_name} must be a number >= 0")


LOG_FORMATS = ("json", "text", "off")


def load(path: str | Path | None = None, environ: Mapping[str, str] | None = None,
         **overrides: Any) -> Settings:
    """Defaults, then the file at `path`, then SMS_MOCKS_ variables from `environ`
    (mocks/environment.py), then `overrides` that are not None."""
    settings = Settings()
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    if environ is not None:
        data = environment.overlay(data, environ, DEFAULT_RULES)
    if data:
        _apply(settings, data)
    for key, value in overrides.items():
        if value is not None:
            setattr(settings, key, value)
    if settings.log_format is not None and settings.log_format not in LOG_FORMATS:
        raise ConfigError(f"log format is one of {', '.join(LOG_FORMATS)}")
    if settings.control_token is not None and not (
            isinstance(settings.control_token, str) and settings.control_token.strip()
            and settings.control_token.isprintable() and settings.control_token.isascii()):
        raise ConfigError("the control token is printable ASCII, not empty")
    if settings.clock not in ("real", "virtual"):
        raise ConfigError("clock must be 'real' or 'virtual'")
    if settings.smsc_soap_namespace not in NAMESPACES:
        raise ConfigError(f"[smsc] soap_namespace must be one of {', '.join(NAMESPACES)}")
    url = settings.public_url
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))
                                and url.isascii() and " " not in url):
        raise ConfigError(f"public_url must be an http:// or https:// URL, not {url!r}")
    settings.callback_allow = _callback_allow(settings.callback_allow)
    for spec in settings.accounts:
        account_from_spec(spec)  # fail at start, not on the first request
    outcome_rules(settings.outcomes)
    return settings


def _table(data: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table")
    unknown = set(table) - keys
    if unknown:
        raise ConfigError(f"unknown keys in [{name}]: {', '.join(sorted(unknown))}")
    return table


def _number(table: dict[str, Any], section: str, key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"[{section}] {key} must be a number >= 0, not {value!r}")
    return float(value)


def _apply(settings: Settings, data: dict[str, Any]) -> None:
    unknown = set(data) - {"clock", "delivery", "limits", "accounts", "seed", "public_url",
                           "smsc", "outcomes", "faults", "journal", "control", "log",
                           "callback_allow"}
    if unknown:
        raise ConfigError(f"unknown sections: {', '.join(sorted(unknown))}")
    clock = _table(data, "clock", {"mode", "speed", "start"})
    settings.clock = str(clock.get("mode", settings.clock))
    settings.clock_speed = _number(clock, "clock", "speed", settings.clock_speed)
    if "start" in clock:
        start = clock["start"]
        try:
            settings.clock_start = (start.timestamp() if isinstance(start, datetime)
                                    else datetime.fromisoformat(str(start)).timestamp())
        except ValueError:
            raise ConfigError(f"[clock] start is not a date and time: {start!r}") from None
    seed = data.get("seed", settings.seed)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"seed must be an integer, not {seed!r}")
    settings.seed = seed
    if "public_url" in data:
        settings.public_url = data["public_url"]
    smsc = _table(data, "smsc", {"soap_namespace"})
    settings.smsc_soap_namespace = smsc.get("soap_namespace", settings.smsc_soap_namespace)
    journal = _table(data, "journal", {"size"})
    size = journal.get("size", settings.journal_size)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_JOURNAL:
        raise ConfigError(f"[journal] size must be an integer 0..{MAX_JOURNAL}, not {size!r}")
    settings.journal_size = size
    control = _table(data, "control", {"token", "sink_mib"})
    settings.control_token = control.get("token", settings.control_token)
    if "sink_mib" in control:
        mib = control["sink_mib"]
        if isinstance(mib, bool) or not isinstance(mib, int) or not 0 <= mib <= MAX_SINK_MIB:
            raise ConfigError(f"[control] sink_mib must be an integer 0..{MAX_SINK_MIB}, "
                              f"not {mib!r}")
        settings.sink_bytes = mib * 1024 * 1024
    log = _table(data, "log", {"format"})
    settings.log_format = log.get("format", settings.log_format)
    delivery = _table(data, "delivery", {"queue_seconds", "report_seconds", "validity_hours"})
    settings.timings = Timings(
        queue_seconds=_number(delivery, "delivery", "queue_seconds",
                              settings.timings.queue_seconds),
        report_seconds=_number(delivery, "delivery", "report_seconds",
                               settings.timings.report_seconds),
        validity_seconds=_number(delivery, "delivery", "validity_hours", 24) * 3600,
    )
    for name, raw in _limit_overrides(data.get("limits", {})).items():
        if name not in DEFAULT_RULES:
            raise ConfigError(f"unknown limit {name!r}; one of {', '.join(DEFAULT_RULES)}")
        settings.rules[name] = _rule(name, raw)
    if "accounts" in data:
        accounts = data["accounts"]
        if not isinstance(accounts, list):
            raise ConfigError("accounts is an array of tables: [[accounts]]")
        # Configured accounts join the built-in ones, replacing any with the same login.
        given = {(a.get("provider"), a.get("login")) for a in accounts}
        settings.accounts = [a for a in settings.accounts
                             if (a["provider"], a["login"]) not in given]
        settings.accounts += [dict(a) for a in accounts]
    if "outcomes" in data:
        if not isinstance(data["outcomes"], list):
            raise ConfigError("outcomes is an array of tables: [[outcomes]]")
        settings.outcomes = list(data["outcomes"])
    if "faults" in data:
        settings.faults = _faults(data["faults"])
    if "callback_allow" in data:
        settings.callback_allow = _callback_allow(data["callback_allow"])


def _callback_allow(raw: Any) -> tuple[str, ...]:
    """callback_allow = ["127.0.0.0/8", "app:8080", ...], each entry checked now; a single
    string (an environment variable's) is one entry or several, comma-separated."""
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple) or not all(isinstance(e, str) for e in raw):
        raise ConfigError("callback_allow is a list of strings: networks (\"10.0.0.0/8\"), "
                          "addresses, host names, each with an optional :port")
    try:
        CallbackAllow(raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return tuple(entry.strip() for entry in raw)


def _faults(raw: Any) -> list[dict[str, Any]]:
    """[[faults]] tables, each a rule as POST /_mock/faults takes it; checked now, not on the
    first request."""
    if not isinstance(raw, list):
        raise ConfigError("faults is an array of tables: [[faults]]")
    for number, spec in enumerate(raw, 1):
        try:
            build(number, spec)
        except FaultSpecError as exc:
            raise ConfigError(f"fault rule {number}: {exc}") from None
    return [dict(spec) for spec in raw]
