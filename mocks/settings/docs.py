"""The configuration reference page, written from the declaration in settings/schema.py:

    python -m sms_mocks.settings.docs > docs/reference/configuration.md

A test compares the committed page with render(), so the page cannot fall behind the code."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sms_mocks.core.limits import Rule
from sms_mocks.seam import registry
from sms_mocks.settings import kinds as kinds
from sms_mocks.settings import schema as schema

HEADER = """\
# Configuration reference

<!-- Generated from mocks/settings/schema.py by `python -m sms_mocks.settings.docs`.
     Do not edit by hand: change the declaration and run the command again. -->

Every setting of `sms-mocks serve`. A setting takes, from lowest to highest precedence: its
default, the TOML file given with `--config`, its `SMS_MOCKS_` environment variable, and its
command-line option. An empty variable counts as not set. A variable's value is read as a TOML
value (`500`, `false`, `{ max = 3 }`, `[{ provider = "PROVIDER", login = "a" }]`), except for the
settings whose type is a string or a choice, which are taken as written.

Every value is checked when `serve` starts: a number must be finite and within its bounds (NaN
and infinity are refused), a section must be a table, an array of tables must hold tables. A
mistake stops `serve` with one line that names the setting, and exit status 2:
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _literal(value: Any) -> str:
    """A default as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return str(value)


def _default(setting: kinds.Setting) -> str:
    if setting.shown_default:
        return _cell(setting.shown_default)
    if setting.default is None or (setting.default is False and not setting.key):
        return ""
    shown = _literal(setting.default) if setting.key else str(setting.default)
    return f"`{_cell(shown)}`"


def _variables(setting: kinds.Setting) -> str:
    names = setting.variables or ((setting.per_entry,) if setting.per_entry else ())
    return "<br>".join(f"`{name}`" for name in names)


def _table(head: list[str], rows: Iterable[list[str]]) -> list[str]:
    return [f"| {' | '.join(head)} |", f"|{' --- |' * len(head)}",
            *(f"| {' | '.join(row)} |" for row in rows)]


def _meaning(setting: kinds.Setting) -> str:
    if setting.repeat:
        return _cell(f"{setting.help} (repeatable; the variable takes a comma-separated list)")
    return _cell(setting.help)


def _row(setting: kinds.Setting, name: str) -> list[str]:
    return [f"`{name}`", _variables(setting), f"`{setting.flag}`" if setting.flag else "",
            _cell(setting.kind.describe()), _default(setting), _meaning(setting)]


def _example_error() -> list[str]:
    queue = next(s for s in schema.SETTINGS if s.key == "delivery.queue_seconds")
    try:
        queue.checked(float("nan"))
    except kinds.ConfigError as exc:
        return ["```text", f"sms-mocks: configuration error: {exc}", "```"]
    raise AssertionError("NaN passed the check")  # pragma: no cover


def _limits_table() -> list[str]:
    """The rule names `[limits]` takes, with their defaults: each provider's own."""
    numbers = [f.name for f in fields(Rule) if f.name != "enabled"]
    rows = [[f"`{name}`", *(f"{getattr(rule, n):g}" for n in numbers)]
            for provider in registry.providers() for name, rule in provider.limits.items()]
    return ["The rules, with their default numbers (each also takes `enabled`):", "",
            *_table(["rule", *numbers], rows)]


def render() -> str:
    header = HEADER.replace("PROVIDER", registry.names()[0])  # a real name in the example
    lines = [header, *_example_error(), "", "## Command line only", ""]
    lines += _table(["option", "variable", "type", "default", "meaning"],
                    ([f"`{s.flag}`", _variables(s), _cell(s.kind.describe()), _default(s),
                      _meaning(s)] for s in schema.options() if not s.key))
    head = ["key", "variable", "option", "type", "default", "meaning"]
    lines += ["", "## Top-level keys", ""]
    lines += _table(head, (_row(s, s.key) for s in schema.in_file() if len(s.path) == 1))
    lines += ["", *_limits_table()]
    for section in schema.sections():
        lines += ["", f"## `[{section}]`", ""]
        lines += _table(head, (_row(s, s.path[1]) for s in schema.in_file()
                               if len(s.path) == 2 and s.path[0] == section))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the test calls render()
    sys.stdout.write(render())
