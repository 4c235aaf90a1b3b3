"""Endpoint names, one vocabulary: a provider path is named by its full path (`/sys/send.php`),
the same without the leading slash, or its last part (`send.php`); a name that starts with a
slash is a full path only. Fault rules and the journal's
filter both read names through here, so a name that works in one works in the other.

The map of paths to providers is passed in: the core does not know the dialects' routes."""

from __future__ import annotations

from collections.abc import Mapping


class UnknownEndpoint(ValueError):
    """A name that is no path, or that names paths of several providers; says which."""


def _last_part(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def paths_named(name: str, paths: Mapping[str, str], provider: str | None = None) -> list[str]:
    """Every path `name` can mean, of `provider` when given: the exact path first, else those
    whose last part it is."""
    exact = name if name in paths else "/" + name if "/" + name in paths else None
    if exact is not None:
        found = [exact]
    elif name.startswith("/"):
        found = []
    else:
        short = name.rstrip("/")
        found = [path for path in paths if short and _last_part(path) == short]
    return [path for path in found if provider is None or paths[path] == provider]


def resolve(name: str, paths: Mapping[str, str], provider: str | None = None) -> str:
    """The one full path `name` means, or UnknownEndpoint saying why not."""
    found = paths_named(name, paths, provider)
    if len(found) == 1:
        return found[0]
    if found:
        options = ", ".join(f"{path} ({paths[path]})" for path in found)
        raise UnknownEndpoint(f"endpoint {name} is ambiguous: {options}; give the full path "
                              "or the provider")
    if provider is not None and paths_named(name, paths):
        raise UnknownEndpoint(f"endpoint {name} is not {provider}'s")
    raise UnknownEndpoint(f"endpoint: one of {', '.join(paths)}, or a path's last part "
                          "(send.php)")


def names(paths: Mapping[str, str]) -> list[str]:
    """Every name that means exactly one path: the paths, then the unambiguous last parts."""
    short = [_last_part(path) for path in paths]
    return [*paths, *(part for part in dict.fromkeys(short)
                      if part and short.count(part) == 1 and part not in paths)]
