"""Settings: built-in defaults that make the documents' examples run verbatim, overlaid by an
optional TOML file, then the environment, then the caller's overrides. What each setting is
(its key, type, bounds, default, variable and option) is declared once, in settings/schema.py;
this module reads the file by that declaration and checks what the tables hold."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sms_mocks.core import account_specs
from sms_mocks.core.account_specs import Catalogue, SpecError
from sms_mocks.core.accounts import Account
from sms_mocks.core.delivery import Timings
from sms_mocks.core.limits import Limits, Rule
from sms_mocks.core.outcomes import OutcomeRule, rule_from_spec
from sms_mocks.faults.rules import FaultSpecError, build
from sms_mocks.seam import registry
from sms_mocks.settings import environment
from sms_mocks.settings import schema as schema
from sms_mocks.settings.kinds import ConfigError as ConfigError  # where callers have found it


class _Limits(Mapping[str, Rule]):
    """Every provider's documented limits by rule name ("<provider>.<rule>"), read live from
    the registry: what config files, the control API and the environment may change."""

    def __getitem__(self, name: str) -> Rule:
        for provider in registry.providers():
            if name in provider.limits:
                return provider.limits[name]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (name for provider in registry.providers() for name in provider.limits)

    def __len__(self) -> int:
        return sum(len(provider.limits) for provider in registry.providers())


DEFAULT_RULES: Mapping[str, Rule] = _Limits()


def default_accounts() -> list[dict[str, Any]]:
    """Each provider's example accounts, as its documents use them."""
    return [dict(spec) for provider in registry.providers() for spec in provider.accounts]


def _timings() -> Timings:
    return Timings(**{s.attr.split(".")[1]: schema.default_of(s.attr) for s in schema.SETTINGS
                      if s.attr.startswith("timings.")})


@dataclass(slots=True)
class Settings:
    """What the emulator runs with; the defaults are settings/schema.py's."""

    clock: str = schema.default_of("clock")  # "real" or "virtual"
    clock_speed: float = schema.default_of("clock_speed")
    clock_start: float | None = None  # epoch seconds; None: now
    seed: int = schema.default_of("seed")
    freeze_gc: bool = False  # a long-running server (the CLI) sets this; tests need not
    public_url: str | None = None  # where clients reach us, for the WSDL's address
    # each provider's own settings ([smsc] soap_namespace, ...), by key
    dialect: dict[str, Any] = field(default_factory=schema.dialect_defaults)
    journal_size: int = schema.default_of("journal_size")  # 0 disables the journal
    control_token: str | None = None  # lets non-loopback clients use /_mock/ (control/access.py)
    sink_bytes: int = schema.default_of("sink_bytes")  # what /_mock/sink keeps in all
    log_format: str | None = None  # a line per provider request: json, text, off (None: off)
    timings: Timings = field(default_factory=_timings)
    rules: dict[str, Rule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    accounts: list[dict[str, Any]] = field(
        default_factory=default_accounts)
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # [[outcomes]] rules
    faults: list[dict[str, Any]] = field(default_factory=list)  # [[faults]] rule specs
    data_dir: str | None = None  # --data-dir: keep the sandbox in SQLite there (mocks/store)
    # where callbacks may go (outbox.CallbackAllow): networks, addresses, host names, ":port"
    callback_allow: tuple[str, ...] = tuple(schema.default_of("callback_allow"))
    # [magic]: numbers magic_prefix + ABBB carry a magic code, unless switched off
    magic_enabled: bool = schema.default_of("magic_enabled")
    magic_prefix: str = schema.default_of("magic_prefix")

    def limits(self) -> Limits:
        return Limits(dict(self.rules))


def catalogue() -> Catalogue:
    """What account specs are checked against: the registry's providers, as they are now."""
    return Catalogue.of(registry.providers())


def account_from_spec(spec: Mapping[str, Any]) -> Account:
    """Build an account from a config table or a control-API body (the same keys)."""
    try:
        return account_specs.account_from_spec(spec, catalogue())
    except SpecError as exc:
        raise ConfigError(str(exc)) from None


def outcome_rules(specs: list[dict[str, Any]]) -> list[OutcomeRule]:
    """The configured outcome rules, numbered from 1 in their order."""
    rules = []
    for number, spec in enumerate(specs, 1):
        try:
            rules.append(rule_from_spec(spec, number, registry.names()))
        except ValueError as exc:
            raise ConfigError(f"[[outcomes]] #{number}: {exc}") from None
    return rules


def limit_overrides(raw: Any) -> dict[str, Any]:
    """Limit overrides by rule name, checked against the registry's rules."""
    try:
        return account_specs.limit_overrides(raw, catalogue())
    except SpecError as exc:
        raise ConfigError(str(exc)) from None


def load(path: str | Path | None = None, environ: Mapping[str, str] | None = None,
         **overrides: Any) -> Settings:
    """Defaults, then the file at `path`, then SMS_MOCKS_ variables from `environ`
    (mocks/settings/environment.py), then `overrides` (Settings' attributes) that are not None."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return from_mapping(data, environ, **overrides)


def from_mapping(data: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                 **overrides: Any) -> Settings:
    """load() for a configuration already parsed: `data` is what the TOML file would hold."""
    settings = Settings()
    merged, origins = (environment.overlay(data, environ, DEFAULT_RULES) if environ is not None
                       else (dict(data), {}))
    _apply(settings, merged, origins)
    for attr, value in overrides.items():
        if value is not None:
            setting = schema.by_attr(attr)
            if setting is not None and setting.scale == 1:  # a caller's value, in file units
                value = setting.checked(value, setting.flag or setting.label)
            _store(settings, attr, value)
    for spec in settings.accounts:
        account_from_spec(spec)  # fail at start, not on the first request
    outcome_rules(settings.outcomes)
    _check_faults(settings.faults)
    return settings


def _apply(settings: Settings, data: Mapping[str, Any],
           origins: dict[tuple[str, ...], str]) -> None:
    """The file's (and the environment's) data onto `settings`, every value checked by its
    declaration; a mistake is a ConfigError naming the key (and the variable it came from)."""
    sections = schema.sections()
    unknown = set(data) - set(sections) - set(schema.top_level())
    if unknown:
        raise ConfigError(f"unknown sections: {', '.join(sorted(unknown))}")
    for name, keys in sections.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{name}] must be a table, not {table!r}")
        strays = set(table) - set(keys)
        if strays:
            raise ConfigError(f"unknown keys in [{name}]: {', '.join(sorted(strays))}")
    for setting in schema.in_file():
        section = data.get(setting.path[0], {}) if len(setting.path) == 2 else data
        if setting.path[-1] not in section:
            continue
        value = setting.checked(section[setting.path[-1]],
                                origin=origins.get(setting.path, ""))
        if setting.attr == "rules":
            for name, raw in limit_overrides(value).items():
                settings.rules[name] = DEFAULT_RULES[name].with_overrides(raw)
        elif setting.attr == "accounts":
            # Configured accounts join the built-in ones, replacing any with the same login.
            given = {(a.get("provider"), a.get("login")) for a in value}
            settings.accounts = [a for a in settings.accounts
                                 if (a["provider"], a["login"]) not in given] + value
        else:
            _store(settings, setting.attr, value)


def value_of(settings: Settings, attr: str) -> Any:
    """What `attr` (as a setting declares it: "timings.queue_seconds", "dialect.<key>") holds."""
    owner, _, part = attr.partition(".")
    value = getattr(settings, owner)
    if not part:
        return value
    return value[part] if owner == "dialect" else getattr(value, part)


def _store(settings: Settings, attr: str, value: Any) -> None:
    """Set `attr` ("timings.queue_seconds": a field of a frozen part; "dialect.smsc.x": a
    provider's setting) to `value`."""
    owner, _, part = attr.partition(".")
    if not part:
        setattr(settings, owner, value)
    elif owner == "dialect":
        settings.dialect = {**settings.dialect, part: value}
    else:
        setattr(settings, owner, replace(getattr(settings, owner), **{part: value}))


def _check_faults(specs: list[dict[str, Any]]) -> None:
    """[[faults]] tables, each a rule as POST /_mock/faults takes it; checked now, not on the
    first request."""
    for number, spec in enumerate(specs, 1):
        try:
            build(number, spec)
        except FaultSpecError as exc:
            raise ConfigError(f"fault rule {number}: {exc}") from None
