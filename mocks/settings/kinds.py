"""The kinds of value a setting may have (settings/schema.py declares which setting has which):
each reads a value from the environment's text and checks it, whatever its source, with a
message that names what is wrong, so every setting is checked the same way."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sms_mocks.core.clock import LATEST

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting is wrong; the message names it and fits on one line."""


def toml_value(text: str) -> Any:
    """An environment variable's text read as a TOML value; text that is not TOML stays text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


# kinds: what a value may be ---------------------------------------------------------------
class Kind:
    """How a setting's value is written and checked. check() raises ValueError with the
    problem ("must be ..."); the caller puts the setting's name in front."""

    verbatim = False  # environment text is the value as written (a string setting)

    def check(self, value: object) -> Any:
        return value

    def from_text(self, text: str) -> object:
        return text if self.verbatim else toml_value(text)

    def describe(self) -> str:
        raise NotImplementedError


def _figure(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _between(low: float | None, high: float | None) -> str:
    parts = ([f"≥ {_figure(low)}"] if low is not None else []) + (
        [f"≤ {_figure(high)}"] if high is not None else [])
    return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class Number(Kind):
    low: float = 0.0
    high: float | None = None

    def check(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and self.low <= value
                and (self.high is None or value <= self.high)):
            raise ValueError(f"must be a finite number {_between(self.low, self.high)}, "
                             f"not {value!r}")
        return float(value)

    def from_text(self, text: str) -> object:
        try:
            return float(text)  # Python's spelling too: ".5", "1e3"
        except ValueError:
            return text

    def describe(self) -> str:
        return f"number {_between(self.low, self.high)}"


@dataclass(frozen=True, slots=True)
class Integer(Kind):
    low: int | None = None
    high: int | None = None

    def check(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not (
                (self.low is None or self.low <= value)
                and (self.high is None or value <= self.high)):
            bounds = _between(self.low, self.high)
            raise ValueError(f"must be an integer{' ' + bounds if bounds else ''}, "
                             f"not {value!r}")
        return value

    def from_text(self, text: str) -> object:
        try:
            return int(text)
        except ValueError:
            return text

    def describe(self) -> str:
        bounds = _between(self.low, self.high)
        return f"integer {bounds}" if bounds else "integer"


@dataclass(frozen=True, slots=True)
class Port(Kind):
    """A TCP port (0: any free one), in argparse's words as the command has always said it."""

    def check(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"not a port number: {value!r}")
        if not 0 <= value <= 65535:
            raise ValueError(f"a port is 0 to 65535, not {value}")
        return value

    def from_text(self, text: str) -> object:
        try:
            return int(text)
        except ValueError:
            return text

    def describe(self) -> str:
        return "port 0..65535"


@dataclass(frozen=True, slots=True)
class Choice(Kind):
    choices: tuple[str, ...]
    verbatim = True

    def check(self, value: object) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}, not {value!r}")
        return value

    def describe(self) -> str:
        return "one of " + ", ".join(f"`{c}`" for c in self.choices)


@dataclass(frozen=True, slots=True)
class Text(Kind):
    """A string; `rule` says what is wrong with one, or None when it is fine."""

    what: str = "string"
    rule: Callable[[str], str | None] | None = None
    verbatim = True

    def check(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a {self.what}, not {value!r}")
        problem = self.rule(value) if self.rule else None
        if problem:
            raise ValueError(problem)
        return value

    def describe(self) -> str:
        return self.what


@dataclass(frozen=True, slots=True)
class FilePath(Kind):
    verbatim = True

    def check(self, value: object) -> Path:
        if not isinstance(value, str | Path) or not str(value):
            raise ValueError(f"must be a path, not {value!r}")
        return Path(value)

    def describe(self) -> str:
        return "path"


@dataclass(frozen=True, slots=True)
class Switch(Kind):
    def check(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value

    def from_text(self, text: str) -> object:
        word = text.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else text

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True, slots=True)
class Moment(Kind):
    """A date and time: TOML's own, ISO 8601 text, or Unix seconds; kept as Unix seconds."""

    def check(self, value: object) -> float:
        try:
            if isinstance(value, datetime):
                seconds = value.timestamp()
            elif isinstance(value, str | date):  # a date alone: its midnight, local time
                seconds = datetime.fromisoformat(str(value)).timestamp()
            elif isinstance(value, int | float) and not isinstance(value, bool):
                seconds = float(value)
            else:
                raise ValueError
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"is not a date and time: {value!r}") from None
        if not (math.isfinite(seconds) and 0 <= seconds <= LATEST):
            raise ValueError(f"must be a date and time from 1970 to 9999, not {value!r}")
        return seconds

    def describe(self) -> str:
        return "date and time (with an offset), 1970 to 9999"


@dataclass(frozen=True, slots=True)
class Strings(Kind):
    """A list of strings; from the environment, comma-separated. `rule` checks the list."""

    what: str = "strings"
    rule: Callable[[list[str]], None] | None = None

    def check(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"must be a list of {self.what}, not {value!r}")
        if self.rule:
            self.rule(list(value))
        return tuple(entry.strip() for entry in value)

    def from_text(self, text: str) -> object:
        value = toml_value(text)
        return value if isinstance(value, list) else text

    def describe(self) -> str:
        return f"list of {self.what}"


@dataclass(frozen=True, slots=True)
class Tables(Kind):
    """An array of tables ([[accounts]]); what each table holds is checked by its reader."""

    name: str

    def check(self, value: object) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise ValueError(f"is an array of tables: [[{self.name}]]")
        for number, item in enumerate(value, 1):
            if not isinstance(item, dict):
                raise ValueError(f"is an array of tables ([[{self.name}]]); "
                                 f"#{number} is {item!r}")
        return [dict(item) for item in value]

    def describe(self) -> str:
        return f"array of tables, [[{self.name}]]"


@dataclass(frozen=True, slots=True)
class Table(Kind):
    """A table whose keys the reader knows (the limits, by rule name)."""

    def check(self, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError("must be a table")
        return dict(value)

    def describe(self) -> str:
        return "table"


PREFIX = "SMS_MOCKS_"


# the declaration of one setting ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Setting:
    kind: Kind
    help: str
    key: str = ""  # where in the file: "seed", "clock.speed"; "" for the command line only
    flag: str = ""  # the `serve` option, if it has one
    attr: str = ""  # what it sets on config.Settings ("a.b": field b of a); "" for the command
    default: Any = None  # in the file's units
    scale: int = 1  # Settings keeps value * scale (hours kept as seconds, MiB as bytes)
    metavar: str | None = None
    group: str = ""  # the --help section of its option
    repeat: bool = False  # the option may be given more than once (the environment: a list)
    shown_default: str = ""  # the docs' words for a default that is not a plain value
    per_entry: str = ""  # a variable for each entry of a table instead of one: its pattern

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split(".")) if self.key else ()

    @property
    def label(self) -> str:
        """How errors and the docs name it: `[clock] speed`, `seed`, `--host`."""
        if len(self.path) == 2:
            return f"[{self.path[0]}] {self.path[1]}"
        return self.key or self.flag

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def key_variable(self) -> str | None:
        return PREFIX + "_".join(self.path).upper() if self.key else None

    @property
    def flag_variable(self) -> str | None:
        return PREFIX + self.dest.upper() if self.flag else None

    @property
    def variables(self) -> tuple[str, ...]:
        """Its SMS_MOCKS_ variables: the file key's, and the option's when that differs
        (none for a setting with a variable for each entry, `per_entry`)."""
        if self.per_entry:
            return ()
        names = (self.key_variable, self.flag_variable)
        return tuple(dict.fromkeys(n for n in names if n is not None))

    @property
    def default_value(self) -> Any:
        """The default in Settings' units."""
        return self.default * self.scale if self.scale != 1 else self.default

    def checked(self, value: object, label: str | None = None, origin: str = "") -> Any:
        """The value as Settings keeps it, or a ConfigError naming the setting (and the
        variable it came from)."""
        try:
            kept = self.kind.check(value)
        except ValueError as exc:
            where = f" (from {origin})" if origin else ""
            raise ConfigError(f"{label or self.label} {exc}{where}") from None
        return kept * self.scale if self.scale != 1 else kept
