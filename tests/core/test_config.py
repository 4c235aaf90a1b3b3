"""Settings: built-in defaults, overlaid by a TOML file; mistakes fail loudly at load."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sms_mocks.config import DEFAULT_RULES, ConfigError, account_from_spec, load
from sms_mocks.core.accounts import SenderState
from sms_mocks.core.delivery import Timings
from sms_mocks.core.limits import Rule


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mocks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def accounts_of(settings: object) -> dict[tuple[str, str], dict]:
    return {(a["provider"], a["login"]): a for a in settings.accounts}  # type: ignore[attr-defined]


# defaults ---------------------------------------------------------------------------------
def test_defaults_have_the_documented_smsc_account() -> None:
    settings = load()
    account = account_from_spec(accounts_of(settings)[("smsc", "alex")])
    assert (account.provider, account.login) == ("smsc", "alex")
    assert account.check_password("123")
    assert account.balance == Decimal("1000.00")
    assert account.senders["SMSC"] is SenderState.APPROVED
    assert account.groups["777"] == ["79999999999", "79999999998"]


def test_defaults_have_the_documented_smspager_account() -> None:
    account = account_from_spec(accounts_of(load())[("smspager", "test")])
    assert account.password == "123456"
    assert account.default_sender() == "Magazin"


def test_defaults_for_clock_delivery_and_limits() -> None:
    settings = load()
    assert (settings.clock, settings.clock_speed, settings.clock_start) == ("real", 1.0, None)
    assert settings.timings == Timings(1.0, 5.0, 86400.0)
    assert settings.rules == DEFAULT_RULES
    assert settings.limits().rule("smsc.per_number_flood") == Rule(max=50, window=60)


def test_settings_do_not_share_the_default_rules() -> None:
    first = load()
    first.rules["smsc.concurrent"] = Rule(max=1)
    assert load().rules["smsc.concurrent"] == Rule(max=14)


def test_keyword_overrides_win_and_none_is_ignored() -> None:
    settings = load(clock="virtual", seed=None)
    assert (settings.clock, settings.seed) == ("virtual", 0)


def test_an_unknown_clock_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="clock must be"):
        load(clock="fast")


# the file ---------------------------------------------------------------------------------
def test_file_adds_accounts_to_the_built_in_one(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[[accounts]]
provider = "smsc"
login = "shop"
password = "secret"
balance = "50.00"
credit = "10"
api_keys = ["K3Y"]
senders = { SMSC = "approved", Shop = "pending" }
stop_list = ["79990000000"]
tariff = { default = "1.40", "25001" = "2.10" }
limits = { "smsc.duplicate_send" = false }
"""))
    specs = accounts_of(settings)
    assert set(specs) == {("smsc", "alex"), ("smspager", "test"), ("targetsms", "demo"),
                          ("smsc", "shop")}
    shop = account_from_spec(specs[("smsc", "shop")])
    assert (shop.balance, shop.credit) == (Decimal("50.00"), Decimal("10"))
    assert shop.api_keys == {"K3Y"}
    assert shop.senders == {"SMSC": SenderState.APPROVED, "Shop": SenderState.PENDING}
    assert shop.stop_list == {"79990000000"}
    assert shop.tariff.prices == {"default": Decimal("1.40"), "25001": Decimal("2.10")}
    assert shop.limits == {"smsc.duplicate_send": False}


def test_file_account_replaces_a_built_in_one_with_the_same_login(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[[accounts]]
provider = "smsc"
login = "alex"
password = "other"
"""))
    assert len(settings.accounts) == 3
    assert account_from_spec(accounts_of(settings)[("smsc", "alex")]).check_password("other")


def test_same_login_under_another_provider_is_another_account(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[[accounts]]
provider = "targetsms"
login = "alex"
"""))
    assert set(accounts_of(settings)) == {("smsc", "alex"), ("smspager", "test"),
                                          ("targetsms", "demo"), ("targetsms", "alex")}


def test_file_overrides_limits_with_dotted_keys(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[limits]
smsc.duplicate_send = { max = 3, window = 10 }
smsc.error_block = false
"""))
    assert settings.rules["smsc.duplicate_send"] == Rule(max=3, window=10)
    assert settings.rules["smsc.error_block"] == Rule(enabled=False, max=30, block=600)
    assert settings.rules["smsc.concurrent"] == Rule(max=14)


def test_file_overrides_limits_with_a_provider_table(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[limits.smsc]
balance_requests = { max = 20 }
"""))
    assert settings.rules["smsc.balance_requests"] == Rule(max=20, window=60)
    assert settings.rules["smsc.duplicate_send"] == Rule(max=1, window=60)


def test_file_sets_delivery_timings(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
[delivery]
queue_seconds = 2
report_seconds = 30
validity_hours = 2
"""))
    assert settings.timings == Timings(queue_seconds=2, report_seconds=30, validity_seconds=7200)


def test_file_sets_the_clock(tmp_path: Path) -> None:
    settings = load(write(tmp_path, """
seed = 7

[clock]
mode = "virtual"
speed = 0
start = 2030-01-01T12:00:00+03:00
"""))
    start = datetime(2030, 1, 1, 9, 0, tzinfo=UTC).timestamp()
    assert (settings.clock, settings.clock_speed, settings.clock_start, settings.seed) == (
        "virtual", 0.0, start, 7)


def test_clock_start_as_a_string(tmp_path: Path) -> None:
    settings = load(write(tmp_path, '[clock]\nstart = "2030-01-01T09:00:00+00:00"\n'))
    assert settings.clock_start == datetime(2030, 1, 1, 9, 0, tzinfo=UTC).timestamp()


# mistakes ---------------------------------------------------------------------------------
def test_unknown_section_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown sections: deliveries"):
        load(write(tmp_path, "[deliveries]\nqueue_seconds = 1\n"))


def test_unknown_limit_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown limit 'smsc\.duplicate_sends'"):
        load(write(tmp_path, "[limits]\nsmsc.duplicate_sends = false\n"))


def test_unknown_rule_field_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"limit 'smsc\.duplicate_send'"):
        load(write(tmp_path, "[limits]\nsmsc.duplicate_send = { maximum = 3 }\n"))


def test_unknown_account_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown account keys: pasword"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsc"\nlogin = "x"\npasword = "y"\n'))


def test_unknown_provider_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown provider 'smsx'"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsx"\nlogin = "x"\n'))


def test_account_without_login_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="an account needs 'login'"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsc"\n'))


def test_float_balance_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="account smsc/x"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsc"\nlogin = "x"\nbalance = 1.5\n'))


def test_bad_sender_state_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="account smsc/x"):
        load(write(tmp_path,
                   '[[accounts]]\nprovider = "smsc"\nlogin = "x"\nsenders = { A = "ok" }\n'))


def test_unknown_account_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown limit 'smsc\.nope'"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsc"\nlogin = "x"\n'
                             'limits = { "smsc.nope" = false }\n'))


def test_account_limit_must_be_a_switch_or_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="true, false or a table"):
        load(write(tmp_path, '[[accounts]]\nprovider = "smsc"\nlogin = "x"\n'
                             'limits = { "smsc.concurrent" = 3 }\n'))


def test_accounts_must_be_an_array_of_tables(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[\[accounts\]\]"):
        load(write(tmp_path, '[accounts]\nprovider = "smsc"\n'))


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"mocks\.toml"):
        load(write(tmp_path, "[clock\n"))


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load(tmp_path / "missing.toml")


def test_account_from_spec_applies_defaults() -> None:
    account = account_from_spec({"provider": "smspager", "login": "p"})
    assert (account.balance, account.currency, account.password) == (
        Decimal("1000.00"), "RUR", "")
    assert account.senders == {"SMSC": SenderState.APPROVED}
    assert account.tariff.prices == {"default": Decimal("1.40")}


def test_unknown_delivery_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="queue_second"):
        load(write(tmp_path, "[delivery]\nqueue_second = 3\n"))


def test_unknown_clock_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="speeed"):
        load(write(tmp_path, "[clock]\nspeeed = 10\n"))


def test_non_numeric_delivery_value_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="queue_seconds"):
        load(write(tmp_path, '[delivery]\nqueue_seconds = "soon"\n'))


def test_section_given_as_a_value_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load(write(tmp_path, 'clock = "virtual"\n'))


def test_the_readmes_configuration_example_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text(
        encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / "example.toml"
    config.write_text(example, encoding="utf-8")
    settings = load(config)
    assert settings.public_url == "https://smsc.example"
    assert settings.dialect["smsc.soap_namespace"] == "http://smsc.ru/sys/soap.php"
    assert any(a["login"] == "shop" for a in settings.accounts)


@pytest.mark.parametrize("table", ["{ max = -1 }", "{ window = -60 }", "{ block = -1.5 }"])
def test_a_negative_limit_is_refused(tmp_path: Path, table: str) -> None:
    path = tmp_path / "mocks.toml"
    path.write_text(f'[limits]\n"smsc.balance_requests" = {table}\n')
    with pytest.raises(ConfigError, match="must be a number >= 0"):
        load(path)
    account = ('[[accounts]]\nprovider = "smsc"\nlogin = "a"\n'
               f'limits = {{ "smsc.balance_requests" = {table} }}\n')
    path.write_text(account)
    with pytest.raises(ConfigError, match="must be a number >= 0"):
        load(path)


# numbers are finite and within bounds; tables are tables (issue 24, bugs 1 and 2) ------------
@pytest.mark.parametrize(("toml", "error"), [
    ("[clock]\nspeed = nan\n", r"\[clock\] speed must be a finite number"),
    ("[clock]\nspeed = inf\n", r"\[clock\] speed must be a finite number"),
    ("[clock]\nspeed = 1e9\n", r"\[clock\] speed must be a finite number .*10000"),
    ("[delivery]\nqueue_seconds = nan\n", r"\[delivery\] queue_seconds must be a finite number"),
    ("[delivery]\nreport_seconds = inf\n", r"\[delivery\] report_seconds must be a finite"),
    ("[delivery]\nvalidity_hours = -inf\n", r"\[delivery\] validity_hours must be a finite"),
    ("[delivery]\nvalidity_hours = 1e306\n", r"\[delivery\] validity_hours must be a finite"),
])
def test_a_number_that_is_not_finite_or_out_of_bounds_is_refused(
        tmp_path: Path, toml: str, error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        load(write(tmp_path, toml))


def test_the_clock_speed_cap_is_the_control_apis() -> None:
    from sms_mocks.control.clock import MAX_SPEED

    assert load(clock_speed=MAX_SPEED).clock_speed == MAX_SPEED
    with pytest.raises(ConfigError, match="--clock-speed must be a finite number"):
        load(clock_speed=MAX_SPEED * 2)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_an_override_is_checked_like_the_file(value: float) -> None:
    with pytest.raises(ConfigError, match="finite number"):
        load(clock_speed=value)


@pytest.mark.parametrize("variable", ["SMS_MOCKS_CLOCK_SPEED", "SMS_MOCKS_DELIVERY_QUEUE_SECONDS"])
@pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
def test_a_number_from_the_environment_is_checked_and_its_variable_named(
        variable: str, text: str) -> None:
    with pytest.raises(ConfigError, match=f"must be a finite number .*from {variable}"):
        load(None, {variable: text})


@pytest.mark.parametrize("toml", [
    "accounts = [1]\n",
    'accounts = ["smsc"]\n',
    'accounts = [{ provider = "smsc", login = "a" }, 2]\n',
    "outcomes = [1]\n",
    "faults = [[]]\n",
    "accounts = 1\n",
])
def test_an_array_of_tables_must_hold_tables(tmp_path: Path, toml: str) -> None:
    key = toml.split(" ", 1)[0]
    with pytest.raises(ConfigError, match=rf"{key}"):
        load(write(tmp_path, toml))
