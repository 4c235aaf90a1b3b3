"""The declaration of every setting (settings/schema.py) is the one source: the command's
options, the environment's variables, the file's keys and the reference page are built from it,
and every value it declares is checked the same way wherever it comes from."""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.cli import known_variables, serve_parser
from sms_mocks.config import (
    DEFAULT_RULES,
    ConfigError,
    Settings,
    from_mapping,
    load,
    value_of,
)
from sms_mocks.settings import docs as settings_docs
from sms_mocks.settings import environment
from sms_mocks.settings import kinds as kinds
from sms_mocks.settings import schema as schema
from sms_mocks.settings.schema import Setting

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "configuration.md"


def test_the_committed_reference_page_is_the_generated_one() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == settings_docs.render(), (
        "docs/reference/configuration.md is stale: run "
        "`.venv/bin/python -m sms_mocks.settings.docs > docs/reference/configuration.md`")


def test_no_setting_is_missing_from_the_command_the_environment_or_the_docs() -> None:
    options = {a.option_strings[0]: a for a in serve_parser()._actions if a.option_strings}
    known = known_variables()
    page = settings_docs.render()
    for setting in schema.SETTINGS:
        if setting.flag:
            assert setting.flag in options, f"serve has no {setting.flag}"
            for variable in setting.variables:
                assert variable in (options[setting.flag].help or ""), variable
        assert setting.variables or setting.per_entry, f"{setting.label} has no variable"
        for variable in setting.variables:
            assert variable in known, f"{variable} is not a known variable"
            assert f"`{variable}`" in page, f"the reference lacks {variable}"
        if setting.key:
            assert f"`{setting.path[-1]}`" in page, f"the reference lacks {setting.label}"
            assert f"## `[{setting.path[0]}]`" in page or len(setting.path) == 1
        assert f"`{setting.flag}`" in page or not setting.flag
    # ... and nothing the command, the environment or Settings has is left undeclared
    declared_flags = {s.flag for s in schema.options()}
    assert set(options) - {"-h"} == declared_flags
    rules = set(schema.rule_variables(list(DEFAULT_RULES)))
    plugin = {"SMS_MOCKS_URL", "SMS_MOCKS_CACERT"}  # the pytest plugin's, not serve's
    assert known - {v for s in schema.SETTINGS for v in s.variables} - rules == plugin
    assert {f.name for f in fields(Settings)} - {"freeze_gc"} == {
        s.attr.split(".")[0] for s in schema.SETTINGS if s.attr}


def test_every_limit_rule_has_a_documented_variable() -> None:
    page = settings_docs.render()
    for variable, (_, rule) in schema.rule_variables(list(DEFAULT_RULES)).items():
        assert variable in known_variables()
        assert f"`{rule}`" in page


def _with_default(setting: Setting) -> bool:
    return setting.default is not None and not setting.shown_default


@pytest.mark.parametrize("setting", [s for s in schema.in_file() if _with_default(s)],
                         ids=lambda s: s.key)
def test_each_declared_default_is_what_settings_has(setting: Setting, tmp_path: Path) -> None:
    """The default the page shows is the one the emulator runs with, and writing it in the file
    or the environment changes nothing."""
    attr = setting.attr
    expected = _attr(Settings(), attr)
    assert expected == _kept(setting.default, setting)
    config = tmp_path / "mocks.toml"
    config.write_text(_toml(setting, settings_docs._literal(setting.default)),
                      encoding="utf-8")
    assert _attr(load(config), attr) == expected
    for variable in setting.variables:
        environ = {variable: _as_variable(setting.default)}
        assert _attr(load(None, environ), attr) == expected, variable


def _as_variable(value: Any) -> str:
    """How a person writes the value in a variable: strings bare, lists comma-separated."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join(value)
    return settings_docs._literal(value)


def _attr(settings: Settings, attr: str) -> Any:
    return value_of(settings, attr)


def _kept(value: Any, setting: Setting) -> Any:
    value = tuple(value) if isinstance(value, list) else value
    return value * setting.scale if setting.scale != 1 else value


def _toml(setting: Setting, literal: str) -> str:
    if len(setting.path) == 2:
        return f"[{setting.path[0]}]\n{setting.path[1]} = {literal}\n"
    return f"{setting.key} = {literal}\n"


NUMBERS = [s for s in schema.SETTINGS if isinstance(s.kind, kinds.Number | kinds.Integer)]


def _outside(setting: Setting) -> list[str]:
    """TOML numbers a setting must refuse: not finite, below or above its bounds."""
    kind = setting.kind
    assert isinstance(kind, kinds.Number | kinds.Integer)
    found = ["nan", "inf", "-inf"]
    if kind.low is not None:
        found.append(str(kind.low - 1))
    if kind.high is not None:
        found.append(str(kind.high * 2))
    return found


@pytest.mark.parametrize("setting", NUMBERS, ids=lambda s: s.label)
def test_every_number_is_finite_and_within_its_bounds_wherever_it_comes_from(
        setting: Setting, tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    for literal in _outside(setting):
        if setting.key:
            config.write_text(_toml(setting, literal), encoding="utf-8")
            with pytest.raises(ConfigError, match=rf"^{_label(setting)} must be "):
                load(config)
            variable = setting.variables[0]
            with pytest.raises(ConfigError, match=f"must be .*from {variable}"):
                load(None, {variable: literal})
        if setting.flag:
            with pytest.raises(SystemExit):
                serve_parser().parse_args([f"{setting.flag}={literal}"])


def _label(setting: Setting) -> str:
    return setting.label.replace("[", r"\[").replace("]", r"\]")


@pytest.mark.parametrize("section", list(schema.sections()))
def test_every_section_must_be_a_table(section: str, tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    for value in ("3", '"x"', "[1, 2]"):
        config.write_text(f"{section} = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=rf"^\[{section}\] must be a table"):
            load(config)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=6)


@given(st.sampled_from(list(schema.in_file())), _values)
def test_any_value_of_any_setting_loads_or_is_one_config_error(
        setting: Setting, value: object) -> None:
    """Whatever a file holds, the loader answers with Settings or a one-line ConfigError,
    never a traceback (`accounts = [1]` used to be an AttributeError)."""
    data = {setting.path[0]: {setting.path[1]: value}} if len(setting.path) == 2 else {
        setting.key: value}
    try:
        settings = from_mapping(data)
    except ConfigError as exc:
        assert "\n" not in str(exc)
        return
    numbers = (settings.clock_speed, settings.timings.queue_seconds,
               settings.timings.report_seconds, settings.timings.validity_seconds)
    assert all(math.isfinite(n) and n >= 0 for n in numbers)


def test_the_environment_reads_strings_as_written() -> None:
    assert load(None, {"SMS_MOCKS_CONTROL_TOKEN": "12345"}).control_token == "12345"
    assert load(None, {"SMS_MOCKS_CLOCK_START": "2030-01-01T00:00:00+00:00"}).clock_start == \
        1893456000.0
    assert environment.option_arguments({"SMS_MOCKS_TLS_PORT": "443, 8443"}) == [
        "--tls-port=443", "--tls-port=8443"]
