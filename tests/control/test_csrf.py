"""The inbox's cookie is ambient, so a request it alone admits must come from the inbox's own
origin; and a state-changing control request must be declared JSON, so no page on another
site can send one without a CORS preflight (which the control plane never grants)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import load

REMOTE = ("10.0.0.5", 40000)
LOCAL = ("127.0.0.1", 5)
TOKEN = "s3cret"
COOKIE = {"Cookie": f"sms_mocks_token={TOKEN}"}
PAGE = "http://mock"  # the inbox's own origin: the Host below is "mock"
ADVANCE = {"seconds": 3600}


def run(token: str | None, client: tuple[str, int],
        requests: list[tuple[str, str, dict[str, Any]]]) -> tuple[list[httpx.Response], bool]:
    """Requests to one fresh app as if from `client`: their answers, and whether the clock
    moved meanwhile (read from loopback before and after)."""
    app = build_app(load(clock="virtual", control_token=token))

    async def go() -> tuple[list[httpx.Response], bool]:
        them = httpx.ASGITransport(app=app, client=client)
        us = httpx.ASGITransport(app=app, client=LOCAL)
        async with httpx.AsyncClient(transport=them, base_url=PAGE) as http, \
                httpx.AsyncClient(transport=us, base_url=PAGE) as local:
            before = (await local.get("/_mock/clock")).json()["now"]
            answers = [await http.request(method, path, **kwargs)  # type: ignore[arg-type]
                       for method, path, kwargs in requests]
            return answers, (await local.get("/_mock/clock")).json()["now"] != before

    return asyncio.run(go())


def one(token: str | None, client: tuple[str, int], method: str, path: str,
        **kwargs: Any) -> tuple[httpx.Response, bool]:
    """One request's answer, and whether the clock moved."""
    (answer, ), moved = run(token, client, [(method, path, kwargs)])
    return answer, moved


# -- the cookie ---------------------------------------------------------------------------

@pytest.mark.parametrize("origin", [
    "https://evil.example",  # another site
    "http://mock:8081",  # the same host on another port: the same site, so the cookie goes
    "https://mock",  # another scheme
    "null",  # a sandboxed frame, a data: page
])
def test_a_foreign_origin_with_the_cookie_is_403(origin: str) -> None:
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance", json=ADVANCE,
                        headers={**COOKIE, "Origin": origin})
    assert answer.status_code == 403, answer.text
    assert "cookie" in answer.json()["error"] and not moved


def test_the_attack_as_a_page_sends_it_is_refused() -> None:
    """A text/plain body needs no preflight; the cookie went with it. Both are refused."""
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}',
                        headers={**COOKIE, "Origin": "http://mock:8081",
                                 "Content-Type": "text/plain;charset=UTF-8"})
    assert answer.status_code == 403 and not moved


def test_the_inbox_itself_with_the_cookie_is_accepted() -> None:
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance", json=ADVANCE,
                        headers={**COOKIE, "Origin": PAGE})
    assert answer.status_code == 200, answer.text
    assert moved
    # an explicit default port is the same origin
    answer, _ = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance", json=ADVANCE,
                    headers={**COOKIE, "Origin": "http://MOCK:80"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 403),  # a state-changing request with the cookie and no Origin at all
    ({"Referer": "http://mock/_mock/ui/"}, 403),  # browsers send an Origin with a POST
    ({"Referer": "https://evil.example/"}, 403),
])
def test_a_cookie_only_change_without_an_origin_is_403(headers: dict[str, str],
                                                       status: int) -> None:
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance", json=ADVANCE,
                        headers={**COOKIE, **headers})
    assert answer.status_code == status and not moved


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 200),  # a person opening a bookmark
    ({"Referer": "http://mock/_mock/ui/"}, 200),  # the page's own reads
    ({"Origin": PAGE}, 200),
    ({"Referer": "http://mock:8081/dashboard"}, 403),
    ({"Origin": "https://evil.example"}, 403),  # a cross-origin fetch or EventSource
])
def test_reads_by_the_cookie(headers: dict[str, str], status: int) -> None:
    (answer, ), _ = run(TOKEN, REMOTE, [("GET", "/_mock/messages",
                                         {"headers": {**COOKIE, **headers}})])
    assert answer.status_code == status, answer.text


def test_a_token_in_a_header_is_trusted_from_anywhere() -> None:
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance", json=ADVANCE,
                        headers={"Authorization": f"Bearer {TOKEN}",
                                 "Origin": "https://evil.example", **COOKIE})
    assert answer.status_code == 200 and moved


def test_the_inbox_link_still_works_from_another_page() -> None:
    """?token= is no ambient credential: whoever sends it knows the token. It wins over a
    cookie left from before and sets the cookie again."""
    (answer, ), _ = run(TOKEN, REMOTE, [("GET", "/_mock/ui/", {
        "params": {"token": TOKEN},
        "headers": {"Referer": "http://mock:8081/dashboard", **COOKIE}})])
    assert answer.status_code == 200 and "sms_mocks_token" in answer.headers["set-cookie"]


def test_a_loopback_browser_on_another_page_is_still_treated_as_remote() -> None:
    answer, moved = one(None, LOCAL, "POST", "/_mock/clock/advance", json=ADVANCE,
                        headers={"Host": "127.0.0.1:7214", "Referer": "http://127.0.0.1:9/"})
    assert answer.status_code == 403 and not moved
    # a person following a link to the inbox from another local page reads it
    (page, ), _ = run(None, LOCAL, [("GET", "/_mock/ui/", {"headers": {
        "Host": "127.0.0.1:7214", "Referer": "http://127.0.0.1:9/"}})])
    assert page.status_code == 200


# -- the content type -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text/plain", "text/plain;charset=UTF-8",
                                  "application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x", "application/jsonx"])
def test_a_body_that_is_not_declared_json_is_415(kind: str) -> None:
    answer, moved = one(None, LOCAL, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}', headers={"Content-Type": kind})
    assert answer.status_code == 415, answer.text
    assert "application/json" in answer.json()["error"] and not moved


def test_json_with_a_charset_and_in_any_case_is_fine() -> None:
    answer, moved = one(None, LOCAL, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}',
                        headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert answer.status_code == 200 and moved


def test_a_post_without_a_body_from_a_page_must_say_json_too() -> None:
    (bare, typed), _ = run(None, LOCAL, [
        ("POST", "/_mock/reset", {"headers": {"Origin": PAGE}}),
        ("POST", "/_mock/reset", {"headers": {"Origin": PAGE,
                                              "Content-Type": "application/json"}})])
    assert bare.status_code == 415 and typed.status_code == 200


def test_scripts_that_post_bare_json_keep_working() -> None:
    """No Content-Type, no Origin, no Referer, no cookie: not a browser."""
    answer, moved = one(None, LOCAL, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}')
    assert answer.status_code == 200 and moved
    (reset, ), _ = run(None, LOCAL, [("POST", "/_mock/reset", {})])
    assert reset.status_code == 200


def test_a_bare_json_body_from_a_browser_is_415() -> None:
    """fetch(..., {body: new Blob([json])}) sends no Content-Type and needs no preflight."""
    answer, moved = one(None, LOCAL, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}', headers={"Origin": PAGE})
    assert answer.status_code == 415 and not moved
    answer, moved = one(TOKEN, REMOTE, "POST", "/_mock/clock/advance",
                        content=b'{"seconds": 3600}', headers={**COOKIE, "Origin": PAGE})
    assert answer.status_code == 415 and not moved


def test_put_patch_and_delete_are_checked_when_they_carry_a_body() -> None:
    (patch, delete, bare_delete), _ = run(None, LOCAL, [
        ("PATCH", "/_mock/accounts/smsc/alex/limits",
         {"content": b'{"smsc.duplicate_send": {"enabled": false}}',
          "headers": {"Content-Type": "text/plain"}}),
        ("DELETE", "/_mock/faults", {"content": b"{}", "headers": {"Content-Type":
                                                                   "text/plain"}}),
        ("DELETE", "/_mock/faults", {"headers": {"Origin": PAGE}})])
    assert (patch.status_code, delete.status_code, bare_delete.status_code) == (415, 415, 200)


def test_the_sink_takes_any_callback() -> None:
    (answer, ), _ = run(TOKEN, REMOTE, [("POST", "/_mock/sink/x", {"data": {"id": "1"}})])
    assert answer.text == "OK"


def test_who_may_not_come_in_learns_nothing_more() -> None:
    """Admission first: an unknown client gets its 403 or 401, not a 415."""
    (without, ), _ = run(None, REMOTE, [("POST", "/_mock/clock/advance",
                                         {"content": b"x", "headers": {"Content-Type":
                                                                       "text/plain"}})])
    (wrong, ), _ = run(TOKEN, REMOTE, [("POST", "/_mock/clock/advance",
                                        {"content": b"x", "headers": {"Content-Type":
                                                                      "text/plain"}})])
    assert (without.status_code, wrong.status_code) == (403, 401)
