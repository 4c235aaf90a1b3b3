"""Settings from SMS_MOCKS_ variables: one for every `serve` option (derived from argparse, so
new options get one) and every configuration key; and `sms-mocks health`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sms_mocks.cli import known_variables, main, serve_parser
from sms_mocks.config import DEFAULT_RULES, ConfigError, load
from sms_mocks.serving.server import ServerThread
from sms_mocks.settings import environment
from sms_mocks.settings import kinds as kinds
from sms_mocks.settings import schema as schema
from sms_mocks.settings.schema import Setting
from tests.addresses import non_loopback_ipv4
from tests.helpers.ports import free_port

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONTAINER_PAGE = DOCS / "container.md"  # its "Settings from the environment"
CONFIGURATION_PAGE = DOCS / "configuration.md"  # its annotated example file


def sample(setting: Setting) -> tuple[str, object]:
    """A valid value for a setting's option, as text and as parsed."""
    kind = setting.kind
    if isinstance(kind, kinds.Switch):
        return "true", True
    if isinstance(kind, kinds.Choice):
        return kind.choices[-1], kind.choices[-1]
    if isinstance(kind, kinds.Port | kinds.Integer):
        return "4321", 4321
    if isinstance(kind, kinds.Number):
        return "2.5", 2.5
    if isinstance(kind, kinds.FilePath):
        return "some-value", Path("some-value")
    return "some-value", "some-value"


def test_every_serve_option_has_a_variable_that_sets_it() -> None:
    variables = {s.flag_variable for s in schema.options()}
    assert {"SMS_MOCKS_HOST", "SMS_MOCKS_PORT", "SMS_MOCKS_CONFIG", "SMS_MOCKS_SEED",
            "SMS_MOCKS_CLOCK", "SMS_MOCKS_CLOCK_SPEED", "SMS_MOCKS_CONTROL_TOKEN",
            "SMS_MOCKS_LOG_FORMAT"} <= variables
    actions = {a.dest: a for a in serve_parser()._actions}
    for setting in schema.options():
        text, parsed = sample(setting)
        if setting.repeat:
            text, parsed = f"{text}, {text}", [parsed, parsed]  # a repeatable option: a list
        assert setting.flag_variable in (actions[setting.dest].help or ""), \
            f"--help does not name {setting.flag_variable}"
        environ = {setting.flag_variable: text}
        if setting.key:  # read with the file's settings, over the file
            assert getattr(load(None, environ), setting.attr) == parsed, setting.flag
            continue
        argv = environment.option_arguments(environ)
        assert getattr(serve_parser().parse_args(argv), setting.dest) == parsed, setting.flag


def test_the_command_line_wins_over_the_environment() -> None:
    argv = environment.option_arguments({"SMS_MOCKS_PORT": "1111", "SMS_MOCKS_HOST": "-h"})
    args = serve_parser().parse_args([*argv, "--port", "2222"])
    assert (args.port, args.host) == (2222, "-h")  # "=" kept "-h" a value, not an option
    assert load(None, {"SMS_MOCKS_SEED": "-5"}).seed == -5
    assert load(None, {"SMS_MOCKS_SEED": "-5"}, seed=3).seed == 3


def test_flags_and_empty_values() -> None:
    assert environment.option_arguments({"SMS_MOCKS_REPAIR": "yes"}) == ["--repair"]
    assert environment.option_arguments({"SMS_MOCKS_REPAIR": "0"}) == []
    assert environment.option_arguments({"SMS_MOCKS_HOST": ""}) == []  # compose's ""
    assert load(None, {"SMS_MOCKS_JOURNAL_SIZE": " "}).journal_size == 1000
    with pytest.raises(ValueError, match="SMS_MOCKS_TLS is a flag"):
        environment.option_arguments({"SMS_MOCKS_TLS": "maybe"})


def test_either_variable_of_a_setting_with_two_names_sets_it() -> None:
    assert load(None, {"SMS_MOCKS_CLOCK": "virtual"}).clock == "virtual"
    assert load(None, {"SMS_MOCKS_CLOCK_MODE": "virtual"}).clock == "virtual"


def test_a_bad_value_is_refused_like_a_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve"], {"SMS_MOCKS_PORT": "seventy"})
    assert exit_.value.code == 2
    assert "--port: not a port number: 'seventy'" in capsys.readouterr().err


def readme_docker_section() -> str:
    return CONTAINER_PAGE.read_text(encoding="utf-8")


def test_every_serve_option_and_setting_variable_is_documented_in_the_docker_section() -> None:
    section = readme_docker_section()
    for variable in (s.flag_variable for s in schema.options()):
        assert f"`{variable}`" in section, f"docs/container.md does not list {variable}"
    for variable, where in environment.config_variables(DEFAULT_RULES).items():
        if where[0] != "limits":  # limits follow one documented pattern
            assert f"`{variable}`" in section, f"docs/container.md lacks {variable}"
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
    assert settings.dialect["smsc.soap_namespace"] == "http://smsc.ua/sys/soap.php"
    assert ("smsc", "ci") in {(a["provider"], a["login"]) for a in settings.accounts}
    assert settings.seed == 42
    assert load(config, {}).journal_size == 5  # without the variable, the file's
    with pytest.raises(ConfigError, match=r"\[journal\] size must be an integer"):
        load(None, {"SMS_MOCKS_JOURNAL_SIZE": "lots"})


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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
    action = next(a for a in serve_parser()._actions if a.dest == "log_format")
    assert tuple(action.choices or ()) == schema.LOG_FORMATS
    assert load(log_format="json").log_format == "json"
    with pytest.raises(ConfigError, match="--log-format must be one of json, text, off"):
        load(log_format="yaml")


def test_every_key_of_the_readmes_configuration_example_has_a_variable() -> None:
    """A key added to the configuration (and to the example of docs/configuration.md)
    without a variable fails here: the declaration's sections and top-level keys are what the
    loader accepts."""
    import tomllib

    section = CONFIGURATION_PAGE.read_text(encoding="utf-8")
    start = section.index("```toml\n") + 8
    example = section[start:section.index("\n```", start)]
    data = tomllib.loads(example)
    for key, value in data.items():
        if key == "limits":
            continue  # SMS_MOCKS_LIMITS_<RULE>, tested above
        if isinstance(value, dict):
            for inner in value:
                assert inner in schema.sections().get(key, ()), f"[{key}] {inner}"
        else:
            assert key in schema.top_level(), key
    assert set(schema.sections()) <= set(data) and set(schema.top_level()) <= set(data)


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
    from sms_mocks.serving.health import default_url

    assert default_url({"SMS_MOCKS_PORT": "abc"}) == "http://127.0.0.1:7214"
