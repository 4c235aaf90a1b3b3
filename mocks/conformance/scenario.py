"""The scenario registry and the checks scenarios make. A scenario is a plain function taking a
Target; it passes by returning, fails by raising AssertionError, and is skipped by raising
Skip (the target cannot do what it needs, or a client program is missing)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sms_mocks.conformance.target import PROVIDERS, Target

Run = Callable[[Target], None]


@dataclass(frozen=True, slots=True)
class Scenario:
    provider: str
    name: str
    run: Run
    title: str
    # Where the real service is known to differ from its document: which one the emulator
    # (and so this scenario) follows, and why.
    follows: str = ""

    @property
    def id(self) -> str:
        return f"{self.provider}-{self.name}"


_REGISTRY: dict[str, Scenario] = {}


def scenario(provider: str, *, follows: str = "") -> Callable[[Run], Run]:
    def register(run: Run) -> Run:
        title = (run.__doc__ or run.__name__).strip().splitlines()[0]
        found = Scenario(provider, run.__name__, run, title, follows)
        if found.id in _REGISTRY:
            raise ValueError(f"two scenarios named {found.id}")
        _REGISTRY[found.id] = found
        return run
    return register


def all_scenarios(providers: tuple[str, ...] = PROVIDERS) -> list[Scenario]:
    """Every scenario of the providers asked for, in the order they are written."""
    for provider in PROVIDERS:
        importlib.import_module(f"sms_mocks.conformance.scenarios.{provider}")
    return [s for s in _REGISTRY.values() if s.provider in providers]


def expect(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def expect_match(pattern: str, actual: str, what: str) -> re.Match[str]:
    found = re.fullmatch(pattern, actual)
    if found is None:
        raise AssertionError(f"{what}: expected /{pattern}/, got {actual!r}")
    return found
