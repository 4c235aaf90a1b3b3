"""A small Dockerfile reader for the tests: the ARGs before the first FROM, stages, and each
stage's instructions with continuations joined, comments dropped, and exec-form arguments as
lists."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [rest for key, rest in self.instructions if key == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for rest in self.all("ENV"):
            for word in shlex.split(rest):
                key, sep, value = word.partition("=")
                assert sep, f"ENV in the legacy 'ENV key value' form: {rest!r}"
                values[key] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        rest = self.last(keyword)
        assert rest is not None, f"no {keyword}"
        words = json.loads(rest)  # exec form: a JSON array, so no shell in between
        assert isinstance(words, list) and all(isinstance(w, str) for w in words)
        return words

    def healthcheck(self) -> tuple[dict[str, str], list[str]]:
        rest = self.last("HEALTHCHECK")
        assert rest is not None, "no HEALTHCHECK"
        options: dict[str, str] = {}
        while rest.startswith("--"):
            option, _, rest = rest.partition(" ")
            key, _, value = option[2:].partition("=")
            options[key] = value
            rest = rest.lstrip()
        keyword, _, command = rest.partition(" ")
        assert keyword == "CMD", f"HEALTHCHECK {rest!r}"
        return options, json.loads(command)


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, rest) of every instruction, in order."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    assert not pending, "the last instruction ends with a backslash"
    found = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        found.append((keyword.upper(), " ".join(rest.split())))
    return found


def global_args(text: str) -> dict[str, str]:
    """The ARGs before the first FROM (those a FROM may use), with their defaults."""
    args: dict[str, str] = {}
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            break
        assert keyword == "ARG", f"{keyword} before FROM"
        name, _, default = rest.partition("=")
        args[name] = default
    return args


def parse(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
        elif stages:
            stages[-1].instructions.append((keyword, rest))
        else:
            assert keyword == "ARG", f"{keyword} before FROM"
    return stages


def source() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def stages() -> list[Stage]:
    return parse(source())
