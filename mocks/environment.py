"""Settings from environment variables, for containers and CI services.

Two families, one prefix (SMS_MOCKS_):
- every `serve` option has one, named after it (`--clock-speed` is SMS_MOCKS_CLOCK_SPEED); they
  are derived from the argparse definitions, so an option added later gets one with no code;
- every configuration-file setting has one, named by its section and key
  (`[journal] size` is SMS_MOCKS_JOURNAL_SIZE, `public_url` is SMS_MOCKS_PUBLIC_URL, the limit
  `smsc.duplicate_send` is SMS_MOCKS_LIMITS_SMSC_DUPLICATE_SEND); values are read as TOML
  values (`500`, `false`, `{ max = 3 }`, `[{ provider = "smsc", login = "a" }]`), and a value
  that is not TOML is taken as a string.
Precedence: command line, then environment, then the file, then the defaults. An empty
variable counts as not set.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

PREFIX = "SMS_MOCKS_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def option_variable(option: str) -> str:
    """`--clock-speed` → SMS_MOCKS_CLOCK_SPEED."""
    return PREFIX + option.lstrip("-").replace("-", "_").upper()


def _long_option(action: argparse.Action) -> str | None:
    longs = [o for o in action.option_strings if o.startswith("--")]
    return longs[0] if longs else None


def option_actions(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    """(environment variable, action) for every option of `parser` but --help."""
    return [(option_variable(option), action) for action in parser._actions
            if (option := _long_option(action)) is not None
            and not isinstance(action, argparse._HelpAction | argparse._VersionAction)]


def mention_variables(parser: argparse.ArgumentParser) -> None:
    """Add "(env SMS_MOCKS_X)" to each option's help, so --help lists them."""
    for variable, action in option_actions(parser):
        if action.help is not argparse.SUPPRESS:
            action.help = f"{action.help or ''} [env {variable}]".strip()


def arguments_from(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> list[str]:
    """The command-line arguments the environment stands for; put them before the user's own,
    so an option given on the command line wins (argparse keeps the last)."""
    argv: list[str] = []
    for variable, action in option_actions(parser):
        value = environ.get(variable, "")
        if not value.strip():  # compose's `VAR: ""` and `${VAR:-}` mean "not set"
            continue
        option = _long_option(action)
        assert option is not None
        if action.nargs == 0:  # a flag: store_true and the like
            if value.strip().lower() in _TRUE:
                argv.append(option)
            elif value.strip().lower() not in _FALSE:
                raise ValueError(f"{variable} is a flag: 1/true/yes or 0/false/no, "
                                 f"not {value!r}")
        elif isinstance(action, argparse._AppendAction):  # repeatable: a comma-separated list
            argv += [f"{option}={item.strip()}" for item in value.split(",") if item.strip()]
        else:
            argv.append(f"{option}={value}")  # `=` keeps a value that starts with "-"
    return argv


# The configuration file's settings: top-level keys and each table's keys. Arrays of tables
# (accounts, outcomes, faults) take a TOML array of inline tables.
TOP_LEVEL = ("seed", "public_url", "accounts", "outcomes", "faults", "callback_allow")
TABLES: dict[str, tuple[str, ...]] = {
    "clock": ("mode", "speed", "start"),
    "delivery": ("queue_seconds", "report_seconds", "validity_hours"),
    "smsc": ("soap_namespace",),
    "journal": ("size",),
    "control": ("token", "sink_mib"),
    "log": ("format",),
}


def config_variables(rules: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every configuration variable and where its value goes in the file's data."""
    names: dict[str, tuple[str, ...]] = {PREFIX + key.upper(): (key,) for key in TOP_LEVEL}
    for table, keys in TABLES.items():
        names.update({f"{PREFIX}{table.upper()}_{key.upper()}": (table, key) for key in keys})
    names.update({f"{PREFIX}LIMITS_{rule.replace('.', '_').upper()}": ("limits", rule)
                  for rule in rules})
    return names


# Settings that are strings: taken as written, so a token "12345" stays a string.
STRINGS = {("public_url",), ("clock", "mode"), ("smsc", "soap_namespace"), ("control", "token"),
           ("log", "format")}


def toml_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def overlay(data: dict[str, Any], environ: Mapping[str, str],
            rules: Iterable[str]) -> dict[str, Any]:
    """The file's data with the environment's settings laid over it."""
    merged = {key: dict(value) if isinstance(value, dict) else value
              for key, value in data.items()}
    for variable, where in config_variables(rules).items():
        text = environ.get(variable, "")
        if not text.strip():
            continue
        value = text if where in STRINGS else toml_value(text)
        if len(where) == 1:
            merged[where[0]] = value
            continue
        table, key = where
        section = merged.setdefault(table, {})
        if not isinstance(section, dict):
            continue  # the file's own mistake, reported by the loader
        if table == "limits":  # the file may nest dotted names: [limits.smsc]
            provider, _, rule = key.partition(".")
            nested = section.get(provider)
            if isinstance(nested, dict) and rule in nested:
                nested = dict(nested)
                del nested[rule]
                section[provider] = nested
        section[key] = value
    return merged


def unknown(environ: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """SMS_MOCKS_ variables that name nothing: probably typing mistakes."""
    names = set(known)
    return sorted(v for v in environ if v.startswith(PREFIX) and v not in names)
