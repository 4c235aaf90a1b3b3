"""Settings from SMS_MOCKS_ variables: one for every `serve` option (derived from argparse, so
new options get one) and every configuration key; and `sms-mocks health`."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sms_mocks import environment
from sms_mocks.cli import known_variables, main, serve_parser
from sms_mocks.config import DEFAULT_RULES, ConfigError, load
from sms_mocks.server import ServerThread
from sms_mocks.tls.options import port_number
from tests.addresses import non_loopback_ipv4
from tests.cli.test_serve import free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def sample(action: argparse.Action) -> tuple[str, object]:
    """A valid value for an option, as text and as parsed."""
    if action.nargs == 0:
        return "true", True if action.const is None else action.const
    if action.choices:
        choice = list(action.choices)[-1]
        return str(choice), choice
    if action.type in (int, port_number):
        return "4321", 4321
    if action.type is float:
        return "2.5", 2.5
    text = "some-value"
    return text, action.type(text) if callable(action.type) else text  # e.g. Path


def test_every_serve_option_has_a_variable_that_sets_it() -> None:
    actions = environment.option_actions(serve_parser())
    assert {"SMS_MOCKS_HOST", "SMS_MOCKS_PORT", "SMS_MOCKS_CONFIG", "SMS_MOCKS_SEED",
            "SMS_MOCKS_CLOCK", "SMS_MOCKS_CLOCK_SPEED", "SMS_MOCKS_CONTROL_TOKEN",
            "SMS_MOCKS_LOG_FORMAT"} <= {variable for variable, _ in actions}
    for variable, action in actions:
        text, parsed = sample(action)
        if isinstance(action, argparse._AppendAction):
            text, parsed = f"{text}, {text}", [parsed, parsed]  # a repeatable option: a list
        argv = environment.arguments_from(serve_parser(), {variable: text})
        assert getattr(serve_parser().parse_args(argv), action.dest) == parsed, variable
        assert variable in (action.help or ""), f"--help does not name {variable}"


def test_the_command_line_wins_over_the_environment() -> None:
    argv = environment.arguments_from(serve_parser(), {"SMS_MOCKS_PORT": "1111",
                                                       "SMS_MOCKS_SEED": "-5"})
    args = serve_parser().parse_args([*argv, "--port", "2222"])
    assert (args.port, args.seed) == (2222, -5)  # "=" kept "-5" a value, not an option


def test_flags_and_empty_values() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet-mode", action="store_true")
    parser.add_argument("--name")
    assert environment.arguments_from(parser, {"SMS_MOCKS_QUIET_MODE": "yes"}) == ["--quiet-mode"]
    assert environment.arguments_from(parser, {"SMS_MOCKS_QUIET_MODE": "0"}) == []
    assert environment.arguments_from(parser, {"SMS_MOCKS_NAME": ""}) == []  # compose's ""
    with pytest.raises(ValueError, match="SMS_MOCKS_QUIET_MODE is a flag"):
        environment.arguments_from(parser, {"SMS_MOCKS_QUIET_MODE": "maybe"})


def test_a_bad_value_is_refused_like_a_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve"], {"SMS_MOCKS_PORT": "seventy"})
    assert exit_.value.code == 2
    assert "--port: not a port number: 'seventy'" in capsys.readouterr().err


def readme_docker_section() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Docker\n") + 1:]
    return section[:section.index("\n## ")]


def test_every_serve_option_and_setting_variable_is_documented_in_the_docker_section() -> None:
    section = readme_docker_section()
    for variable, _ in environment.option_actions(serve_parser()):
        assert f"`{variable}`" in section, f"README's Docker section does not list {variable}"
    for variable, where in environment.config_variables(DEFAULT_RULES).items():
        if where[0] != "limits":  # limits follow one documented pattern
            assert f"`{variable}`" in section, f"README's Docker section lacks {variable}"
    assert "`SMS_MOCKS_LIMITS_<RULE>`" in section


def test_configuration_keys_come_from_the_environment_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text('[journal]\nsize = 5\n[limits.smsc]\nduplicate_send = { max = 3 }\n'
                      '[clock]\nmode = "real"\n', encoding="utf-8")
    settings = load(config, {
        "SMS_MOCKS_JOURNAL_SIZE": "7",
        "SMS_MOCKS_LIMITS_SMSC_DUPLICATE_SEND": "false",
        "SMS_MOCKS_LIMITS_SMSC_BALANCE_REQUESTS": "{ max = 2 }",
        "SMS_MOCKS_CLOCK_MODE": "virtual",
        "SMS_MOCKS_CLOCK_START": "2030-01-01T00:00:00+00:00",
        "SMS_MOCKS_DELIVERY_REPORT_SECONDS": "9",
        "SMS_MOCKS_CONTROL_TOKEN": "12345",  # stays a string
        "SMS_MOCKS_PUBLIC_URL": "http://sms.test:7214",
        "SMS_MOCKS_SMSC_SOAP_NAMESPACE": "http://smsc.ua/sys/soap.php",
        "SMS_MOCKS_ACCOUNTS": '[{ provider = "smsc", login = "ci", password = "pw" }]',
        "SMS_MOCKS_SEED": "42",
    })
    assert settings.journal_size == 7
    assert settings.rules["smsc.duplicate_send"].enabled is False
    assert settings.rules["smsc.balance_requests"].max == 2
    assert (settings.clock, settings.clock_start) == ("virtual", 1893456000.0)
    assert settings.timings.report_seconds == 9
    assert settings.control_token == "12345"
    assert settings.public_url == "http://sms.test:7214"
    assert settings.smsc_soap_namespace == "http://smsc.ua/sys/soap.php"
    assert ("smsc", "ci") in {(a["provider"], a["login"]) for a in settings.accounts}
    assert settings.seed == 42
    assert load(config, {}).journal_size == 5  # without the variable, the file's
    with pytest.raises(ConfigError, match=r"\[journal\] size must be an integer"):
        load(None, {"SMS_MOCKS_JOURNAL_SIZE": "lots"})


def test_serve_reads_its_environment_and_warns_of_unknown_variables() -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}
    env.update(SMS_MOCKS_PORT=str(port), SMS_MOCKS_CLOCK="virtual", SMS_MOCKS_JOURNAL_SIZE="3",
               SMS_MOCKS_LOG_FORMAT="off", SMS_MOCKS_JOURNL_SIZE="9")
    process = subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"127.0.0.1:{port}" in line and "clock: virtual" in line
        journal = httpx.get(f"http://127.0.0.1:{port}/_mock/journal").json()
        assert journal["size"] == 3
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert "SMS_MOCKS_JOURNL_SIZE is not a setting; ignored" in stderr
    assert "no control token" not in stderr  # loopback: nothing to warn about


def test_with_a_token_a_server_on_every_address_does_not_warn_and_admits_it() -> None:
    address = non_loopback_ipv4()
    if address is None:
        pytest.skip("this machine has no address other than loopback")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}
    env.update(SMS_MOCKS_HOST="0.0.0.0", SMS_MOCKS_PORT=str(port),
               SMS_MOCKS_CONTROL_TOKEN="s3cret", SMS_MOCKS_LOG_FORMAT="off")
    process = subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()
        url = f"http://{address}:{port}/_mock/accounts"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer s3cret"}).status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert "warning" not in stderr


def test_known_variables_cover_the_plugins_and_every_config_key() -> None:
    known = known_variables()
    assert {"SMS_MOCKS_URL", "SMS_MOCKS_JOURNAL_SIZE", "SMS_MOCKS_PUBLIC_URL",
            "SMS_MOCKS_LIMITS_TARGETSMS_DUPLICATE"} <= known
    for name in known:
        assert re.fullmatch(r"SMS_MOCKS_[A-Z0-9_]+", name)


def test_health_exits_0_for_a_healthy_server_and_1_otherwise(
        capsys: pytest.CaptureFixture[str]) -> None:
    with ServerThread(load(clock="virtual")) as server:
        assert main(["health", "--url", server.url]) == 0
        assert f"{server.url}/_mock/health: ok (0 messages" in capsys.readouterr().out
        port = server.url.rsplit(":", 1)[1]
        assert main(["health"], {"SMS_MOCKS_PORT": port, "SMS_MOCKS_HOST": "0.0.0.0"}) == 0
        assert main(["health", "--url", server.url + "/sys"]) == 1  # answers 404
        assert "HTTP 404" in capsys.readouterr().err
    assert main(["health", "--url", server.url, "--timeout", "1"]) == 1  # nothing listens
    assert "/_mock/health" in capsys.readouterr().err


def test_the_command_offers_the_log_formats_the_configuration_accepts() -> None:
    from sms_mocks import cli, config

    assert cli.LOG_FORMATS == config.LOG_FORMATS


def test_every_key_of_the_readmes_configuration_example_has_a_variable() -> None:
    """A key added to the configuration (and to README's example) without a variable fails
    here: environment.TABLES and TOP_LEVEL list what the loader accepts."""
    import tomllib

    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Configuration\n"):]
    start = section.index("```toml\n") + 8
    example = section[start:section.index("\n```", start)]
    data = tomllib.loads(example)
    for key, value in data.items():
        if key == "limits":
            continue  # SMS_MOCKS_LIMITS_<RULE>, tested above
        if isinstance(value, dict):
            for inner in value:
                assert inner in environment.TABLES.get(key, ()), f"[{key}] {inner}"
        else:
            assert key in environment.TOP_LEVEL, key
    assert set(environment.TABLES) <= set(data) and set(environment.TOP_LEVEL) <= set(data)


@pytest.mark.parametrize("argv", [["serve", "--port", "99999"], ["serve", "--port", "-1"],
                                  ["serve", "--tls-port", "70000"]])
def test_a_port_out_of_range_is_refused_like_a_bad_option(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv, {})
    assert exit_.value.code == 2
    assert "a port is 0 to 65535, not" in capsys.readouterr().err


def test_the_health_check_never_raises_on_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", "--url", "http://127.0.0.1:abc", "--timeout", "1"], {}) == 1
    assert "http://127.0.0.1:abc/_mock/health: nonnumeric port" in capsys.readouterr().err
    from sms_mocks.health import default_url

    assert default_url({"SMS_MOCKS_PORT": "abc"}) == "http://127.0.0.1:7214"
