"""The inbox is easy to reach: / and /_mock/ lead to it, keeping the control plane's gate, and
`sms-mocks serve` prints its address."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import load
from tests.helpers.ports import free_port
from tests.helpers.serving import serving

pytestmark = pytest.mark.slow  # `sms-mocks serve` in a process

REMOTE = ("10.0.0.5", 40000)
LOCAL = ("127.0.0.1", 40000)


def call(client: tuple[str, int], path: str, token: str | None = None) -> httpx.Response:
    app = build_app(load(clock="virtual", control_token=token))

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
            return await http.get(path)

    return asyncio.run(go())


@pytest.mark.parametrize("path", ["/", "/_mock", "/_mock/"])
def test_the_root_and_the_control_plane_lead_to_the_inbox(path: str) -> None:
    answer = call(LOCAL, path)
    assert answer.status_code == 307
    assert answer.headers["location"] == "/_mock/ui/"


def test_a_link_s_filters_go_along_and_its_token_is_taken_on_the_way() -> None:
    answer = call(LOCAL, "/?account=shop&provider=smsc")
    assert answer.headers["location"] == "/_mock/ui/?account=shop&provider=smsc"
    assert call(LOCAL, "/_mock/ui?account=shop").headers["location"] == "/_mock/ui/?account=shop"
    # / is not gated: the token goes to /_mock/ui, where the gate sets the cookie ...
    assert call(REMOTE, "/?token=s3cret&account=shop", token="s3cret").headers["location"] == \
        "/_mock/ui?token=s3cret&account=shop"
    # ... and the redirect from there leaves it out of the address bar
    taken = call(REMOTE, "/_mock/ui?token=s3cret&account=shop", token="s3cret")
    assert taken.headers["location"] == "/_mock/ui/?account=shop"
    assert "sms_mocks_token=s3cret" in taken.headers["set-cookie"]


def test_the_control_plane_s_redirect_keeps_its_gate() -> None:
    # a stranger learns nothing at /_mock/: the same refusal as every other control path
    assert call(REMOTE, "/_mock/").status_code == 403
    assert call(REMOTE, "/_mock/", token="s3cret").status_code == 401
    admitted = call(REMOTE, "/_mock/?token=s3cret", token="s3cret")
    assert admitted.status_code == 307
    assert admitted.headers["location"] == "/_mock/ui/"  # the token is taken, not passed on
    assert "sms_mocks_token=s3cret" in admitted.headers["set-cookie"]  # as the inbox sets it
    # / is outside the control plane, and leads only to the gated inbox
    assert call(REMOTE, "/").headers["location"] == "/_mock/ui/"
    assert call(REMOTE, "/_mock/ui/").status_code == 403


def test_the_ready_line_prints_the_inbox_url() -> None:
    port = free_port()
    with serving("--port", str(port), "--clock", "virtual") as (_, line):
        url = f"http://127.0.0.1:{port}"
        assert f"inbox: {url}/_mock/ui/" in line
        assert f"control API: {url}/_mock/" in line
        assert httpx.get(f"{url}/").headers["location"] == "/_mock/ui/"
