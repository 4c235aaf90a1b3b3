"""Settings from environment variables, for containers and CI services.

Every setting declared in settings/schema.py has a variable with the prefix SMS_MOCKS_, named
after its place in the file (`[journal] size` is SMS_MOCKS_JOURNAL_SIZE, `public_url` is
SMS_MOCKS_PUBLIC_URL, the limit `smsc.duplicate_send` is SMS_MOCKS_LIMITS_SMSC_DUPLICATE_SEND)
or, for an option of `serve` alone, after the option (`--port` is SMS_MOCKS_PORT). A setting with
both answers to both names where they differ (`--clock` and `[clock] mode`).
Values are read as TOML values (`500`, `false`, `{ max = 3 }`, `[{ provider = "smsc", login =
"a" }]`), string settings as written, and a value that is not TOML is taken as a string.
Precedence: command line, then environment, then the file, then the defaults. An empty
variable counts as not set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sms_mocks.settings import kinds as kinds
from sms_mocks.settings import schema as schema

PREFIX = kinds.PREFIX


def option_arguments(environ: Mapping[str, str]) -> list[str]:
    """The command-line arguments the variables of command-line-only options stand for; put
    them before the user's own, so an option given on the command line wins (argparse keeps
    the last). Settings that have a place in the file are read by overlay() instead."""
    argv: list[str] = []
    for setting in schema.options():
        variable = setting.flag_variable
        value = environ.get(variable or "", "")
        if setting.key or not value.strip():  # compose's `VAR: ""` and `${VAR:-}`: not set
            continue
        if isinstance(setting.kind, kinds.Switch):
            given = setting.kind.from_text(value)
            if given is not True and given is not False:
                raise ValueError(f"{variable} is a flag: 1/true/yes or 0/false/no, "
                                 f"not {value!r}")
            argv += [setting.flag] if given else []
        elif setting.repeat:  # a repeatable option: a comma-separated list
            argv += [f"{setting.flag}={item.strip()}" for item in value.split(",")
                     if item.strip()]
        else:
            argv.append(f"{setting.flag}={value}")  # `=` keeps a value that starts with "-"
    return argv


def config_variables(rules: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every variable of a setting in the file, and where its value goes in the file's data."""
    names: dict[str, tuple[str, ...]] = {}
    for setting in schema.in_file():
        names.update({variable: setting.path for variable in setting.variables})
    names.update(schema.rule_variables(list(rules)))
    return names


def _kind_at(where: tuple[str, ...]) -> kinds.Kind | None:
    key = ".".join(where)
    return next((s.kind for s in schema.in_file() if s.key == key), None)


def overlay(data: Mapping[str, Any], environ: Mapping[str, str], rules: Iterable[str]
            ) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The file's data with the environment's settings laid over it, and which variable each
    setting came from (so an error can name it)."""
    merged = {key: dict(value) if isinstance(value, dict) else value
              for key, value in data.items()}
    origins: dict[tuple[str, ...], str] = {}
    for variable, where in config_variables(rules).items():
        text = environ.get(variable, "")
        if not text.strip():
            continue
        kind = _kind_at(where)
        value = kind.from_text(text) if kind is not None else kinds.toml_value(text)
        origins[where] = variable
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
    return merged, origins


def known(rules: Iterable[str]) -> set[str]:
    """Every SMS_MOCKS_ variable a setting has."""
    names = {v for setting in schema.SETTINGS for v in setting.variables}
    return names | set(config_variables(rules))


def unknown(environ: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """SMS_MOCKS_ variables that name nothing: probably typing mistakes."""
    names = set(known)
    return sorted(v for v in environ if v.startswith(PREFIX) and v not in names)
