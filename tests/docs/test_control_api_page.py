"""The control API reference names every route the server has, method by method, and no
route it does not have."""

from __future__ import annotations

import re

from sms_mocks.control.routes import PATHS, ROUTES
from tests.docs.pages import DOCS, read

PAGE = DOCS / "reference" / "control-api.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/_mock/[^`\s]*)` \|", re.M)


def documented() -> set[tuple[str, str]]:
    return {(m[1], m[2]) for m in ROW.finditer(read(PAGE))}


def served() -> set[tuple[str, str]]:
    return {(method, route.path) for route in ROUTES for method in route.methods or ()
            if method != "HEAD"}


def test_every_served_route_has_its_row() -> None:
    missing = served() - documented()
    assert not missing, f"{PAGE.name} lacks rows for {sorted(missing)}"


def test_every_row_is_a_served_route() -> None:
    extra = documented() - served()
    assert not extra, f"{PAGE.name} documents routes the server does not have: {sorted(extra)}"


def test_the_openapi_paths_are_the_documented_ones() -> None:
    assert set(PATHS) <= {path for _, path in documented()}


def test_the_check_reads_rows() -> None:
    assert len(documented()) >= 30
    assert ("POST", "/_mock/clock/advance") in documented()
