"""Every setting of `sms-mocks serve`, declared once.

A setting has a place in the TOML file (`key`), a `serve` option (`flag`), or both; each has its
SMS_MOCKS_ variables, a kind (type and bounds), a default and a help text. The file reader
(config.py), the environment reader (environment.py), the command's options (cli.py) and the
reference page (settings/docs.py) are all built from SETTINGS, so they cannot disagree.

The command line imports this module before it knows the command, so it imports only light
modules (the clock's limits, the callback allowlist, SOAP's namespaces), not the application.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sms_mocks.core.clock import MAX_SPEED
from sms_mocks.outbound.outbox import DEFAULT_CALLBACK_ALLOW, CallbackAllow
from sms_mocks.seam import registry
from sms_mocks.settings.kinds import (
    PREFIX,
    Choice,
    FilePath,
    Integer,
    Moment,
    Number,
    Port,
    Setting,
    Strings,
    Switch,
    Table,
    Tables,
    Text,
)

CLOCK_MODES = ("real", "virtual")
LOG_FORMATS = ("json", "text", "off")
MAX_JOURNAL = 1_000_000  # each entry keeps up to 5 KiB
MAX_SINK_MIB = 65_536  # what /_mock/sink keeps in all, at most
MAX_DELAY = 10 * 365 * 24 * 3600.0  # ten years: later than this is "never" to any test
MIB = 1024 * 1024


# the rules some strings follow -------------------------------------------------------------
def _url_problem(url: str) -> str | None:
    if url.startswith(("http://", "https://")) and url.isascii() and " " not in url:
        return None
    return f"must be an http:// or https:// URL, not {url!r}"


def _token_problem(token: str) -> str | None:
    if token.strip() and token.isprintable() and token.isascii():
        return None
    return "must be printable ASCII, not empty"


def _not_empty(text: str) -> str | None:
    return None if text.strip() else "must not be empty"


def _magic_prefix_problem(prefix: str) -> str | None:
    if prefix.isascii() and prefix.isdigit() and 1 <= len(prefix) <= 11:
        return None
    return f"must be 1 to 11 digits, not {prefix!r}"


def _callback_allow(entries: list[str]) -> None:
    try:
        CallbackAllow(entries)
    except ValueError as exc:  # it names the entry that is wrong, and the setting: once is enough
        raise ValueError(str(exc).removeprefix("callback_allow ")) from None


_TLS = "TLS (see the docs' \"TLS and real hostnames\")"

DIALECT = "dialect."  # a provider's own setting: Settings.dialect[key]

_CORE: tuple[Setting, ...] = (
    # the command line only
    Setting(Text("host name or address", _not_empty), "address to listen on", flag="--host",
            default="127.0.0.1"),
    Setting(Port(), "port (0: any free one)", flag="--port", default=7214),
    Setting(Text("file name", _not_empty), "a TOML configuration file", flag="--config",
            metavar="FILE"),
    Setting(Text("directory", _not_empty),
            "keep accounts, messages, templates and the clock in SQLite in DIR and resume from "
            "it on the next start (default: memory only)", flag="--data-dir", attr="data_dir",
            metavar="DIR"),
    Setting(Switch(), "with --data-dir: before serving, drop the rows start-up would refuse "
            "as damaged, naming each on stderr", flag="--repair", default=False),
    Setting(Switch(), "serve --port over HTTPS, with a certificate for the providers' real "
            "hosts from a local CA", flag="--tls", default=False, group=_TLS),
    Setting(Port(), "also serve HTTPS on PORT (e.g. 443 next to 7214)", flag="--tls-port",
            metavar="PORT", repeat=True, group=_TLS),
    Setting(FilePath(), "where the CA and certificate are kept and reused (default: the data "
            "dir's tls/ with --data-dir, else $XDG_DATA_HOME/sms-mocks/tls, by default "
            "~/.local/share/sms-mocks/tls)", flag="--tls-dir",
            metavar="DIR", group=_TLS),
    Setting(Text("host name or address", _not_empty),
            "another host name or address for the certificate", flag="--tls-name",
            metavar="NAME", repeat=True, group=_TLS),
    Setting(FilePath(), "serve this PEM certificate (chain) instead of making one",
            flag="--tls-cert", metavar="FILE", group=_TLS),
    Setting(FilePath(), "the unencrypted PEM key of --tls-cert", flag="--tls-key",
            metavar="FILE", group=_TLS),
    # the file's top level
    Setting(Integer(), "seed for every random choice (fault probabilities, ...)", key="seed",
            flag="--seed", attr="seed", default=0),
    Setting(Text("http:// or https:// URL", _url_problem),
            "where clients reach this server: the address in the SOAP WSDL",
            key="public_url", attr="public_url", shown_default="the request's own address"),
    Setting(Strings("networks, addresses or host names, each with an optional :port",
                    _callback_allow),
            "where status callbacks may go (\"10.0.0.0/8\", \"app:8080\", ...)",
            key="callback_allow", attr="callback_allow", default=list(DEFAULT_CALLBACK_ALLOW)),
    Setting(Tables("accounts"), "accounts, joining the built-in ones or replacing one with "
            "the same provider and login (keys as POST /_mock/accounts takes them)",
            key="accounts", attr="accounts",
            shown_default="the documents' example accounts: " + ", ".join(
                f"{provider.title} {spec['login']}/{spec['password']}"
                for provider in registry.providers() for spec in provider.accounts)),
    Setting(Tables("outcomes"), "delivery outcome rules, restored by POST /_mock/reset "
            "(keys as POST /_mock/outcomes takes them)", key="outcomes", attr="outcomes",
            shown_default="none"),
    Setting(Tables("faults"), "fault rules in force from the start and again after a reset "
            "(keys as POST /_mock/faults takes them)", key="faults",
            attr="faults", shown_default="none"),
    Setting(Table(), "rate limits for every account: a rule name "
            f"(`{next(name for p in registry.providers() for name in p.limits)}`) set "
            "to true/false or to a table of its numbers ({ max = 3, window = 60 })",
            key="limits", attr="rules", shown_default="the providers' documented limits",
            per_entry=f"{PREFIX}LIMITS_<RULE>"),
    # [clock]
    Setting(Choice(CLOCK_MODES), "real (at its speed), or virtual: moving only when "
            "advanced through /_mock/clock/advance", key="clock.mode", flag="--clock", attr="clock",
            default="real"),
    Setting(Number(0, MAX_SPEED), "with a real clock, run X times faster than wall time "
            f"(at most {MAX_SPEED:g}, as POST /_mock/clock/speed allows)", key="clock.speed",
            flag="--clock-speed", attr="clock_speed", default=1.0, metavar="X"),
    Setting(Moment(), "the clock's reading at start", key="clock.start", attr="clock_start",
            shown_default="now"),
    # [delivery]
    Setting(Number(0, MAX_DELAY), "seconds from queued to sent to the operator",
            key="delivery.queue_seconds", attr="timings.queue_seconds", default=1.0),
    Setting(Number(0, MAX_DELAY), "seconds from sent to the delivery report",
            key="delivery.report_seconds", attr="timings.report_seconds", default=5.0),
    Setting(Number(0, MAX_DELAY / 3600), "default validity: an undelivered message expires "
            "after it", key="delivery.validity_hours", attr="timings.validity_seconds",
            default=24.0, scale=3600),
    # [magic]
    Setting(Switch(), "numbers in the magic range choose their own fate (never answered, "
            "undelivered with an err, ...); false makes them ordinary numbers (\"mock:ABBB\" "
            "tokens in a text still work)", key="magic.enabled", attr="magic_enabled",
            default=True),
    Setting(Text("1 to 11 digits", _magic_prefix_problem), "the magic range: this prefix "
            "and four digits ABBB (79000001006: undelivered, err 6)", key="magic.prefix",
            attr="magic_prefix", default="7900000"),
    # [journal], [control], [log]
    Setting(Integer(0, MAX_JOURNAL), "provider requests /_mock/journal keeps; 0 switches it "
            "off", key="journal.size", attr="journal_size", default=1000),
    Setting(Text("printable ASCII token", _token_problem),
            "lets clients other than loopback use /_mock/ when they send it "
            "(Authorization: Bearer TOKEN)", key="control.token", flag="--control-token",
            attr="control_token", metavar="TOKEN", shown_default="none: loopback only"),
    Setting(Integer(0, MAX_SINK_MIB), "MiB /_mock/sink keeps in all, the oldest request "
            "dropped first", key="control.sink_mib", attr="sink_bytes", default=64, scale=MIB),
    Setting(Choice(LOG_FORMATS), "a line per provider request on stderr", key="log.format",
            flag="--log-format", attr="log_format",
            shown_default="text from serve, off in the pytest plugin"),
)
# Each provider's own settings follow, in a table named after it ([<provider>] <key>),
# kept in Settings.dialect by the key.
SETTINGS: tuple[Setting, ...] = (
    *_CORE, *(setting for provider in registry.providers() for setting in provider.settings))


def default_of(attr: str) -> Any:
    """Settings' default for `attr`: the declared one, in Settings' units."""
    return next(s for s in SETTINGS if s.attr == attr).default_value


def dialect_defaults() -> dict[str, Any]:
    """The providers' own settings' defaults, by key, as Settings.dialect keeps them."""
    return {s.key: s.default_value for s in SETTINGS if s.attr.startswith(DIALECT)}


def in_file() -> Iterator[Setting]:
    return (s for s in SETTINGS if s.key)


def options() -> Iterator[Setting]:
    return (s for s in SETTINGS if s.flag)


def sections() -> dict[str, tuple[str, ...]]:
    """The file's tables and their keys."""
    found: dict[str, tuple[str, ...]] = {}
    for setting in in_file():
        if len(setting.path) == 2:
            found[setting.path[0]] = (*found.get(setting.path[0], ()), setting.path[1])
    return found


def top_level() -> tuple[str, ...]:
    return tuple(s.key for s in in_file() if len(s.path) == 1)


def by_attr(attr: str) -> Setting | None:
    return next((s for s in SETTINGS if s.attr == attr), None)


def argument_type(setting: Setting) -> Callable[[str], Any]:
    """The option's argparse type: the text read and checked like the file's value."""

    def parse(text: str) -> Any:
        try:
            return setting.kind.check(setting.kind.from_text(text))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = setting.kind.describe()  # argparse names it in "invalid X value"
    return parse


def rule_variables(rules: Sequence[str]) -> dict[str, tuple[str, str]]:
    """SMS_MOCKS_LIMITS_<RULE> for each rule name: where it goes in the file."""
    return {f"{PREFIX}LIMITS_{rule.replace('.', '_').upper()}": ("limits", rule)
            for rule in rules}
