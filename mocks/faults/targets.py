"""What a fault rule can aim at: the providers, their paths, and each one's documented errors,
read live from the registry (a provider registered later is a target too)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sms_mocks.seam import registry


class _Providers(Mapping[str, frozenset[int | str]]):
    """Provider name → the documented errors an `error` rule may answer in its words."""

    def __getitem__(self, name: str) -> frozenset[int | str]:
        try:
            return registry.get(name).fault_codes
        except KeyError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(registry.names())

    def __len__(self) -> int:
        return len(registry.names())


class _Paths(Mapping[str, str]):
    """Every provider path the emulator serves → whose it is."""

    def __getitem__(self, path: str) -> str:
        provider = registry.owner_of(path)
        if provider is None:
            raise KeyError(path)
        return provider.name

    def __iter__(self) -> Iterator[str]:
        return (path for provider in registry.providers() for path in provider.paths)

    def __len__(self) -> int:
        return sum(len(provider.paths) for provider in registry.providers())


ERRORS: Mapping[str, frozenset[int | str]] = _Providers()
PROVIDERS = ERRORS  # `name in PROVIDERS`, and iterating gives the names
PATHS: Mapping[str, str] = _Paths()


def text_codes(provider: str) -> bool:
    """Whether a provider names its errors by text (a short name) rather than by number."""
    return all(isinstance(code, str) for code in ERRORS[provider])
