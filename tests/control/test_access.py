"""/_mock/ refuses clients other than loopback unless a token is configured and presented;
provider paths, GET /_mock/health and the sink's receiving end are never gated."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import load
from sms_mocks.control.access import is_loopback
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, ControlError, Sandbox
from tests.addresses import non_loopback_ipv4
from tests.helpers.clients import http_client

REMOTE = ("10.0.0.5", 40000)
GATED = ["/_mock/messages", "/_mock/accounts", "/_mock/ui/", "/_mock/metrics", "/_mock/events",
         "/_mock/journal", "/_mock/sink/x", "/_mock/clock", "/_mock/openapi.json", "/_mock",
         "/_mock/nonexistent"]


def call(token: str | None, client: tuple[str, int], method: str, path: str,
         **kwargs: object) -> httpx.Response:
    """A request to the ASGI app as if it came from `client`."""
    app = build_app(load(clock="virtual", control_token=token))

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
            return await http.request(method, path, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


@pytest.mark.parametrize("path", GATED)
def test_without_a_token_remote_clients_get_403_saying_how_to_set_one(path: str) -> None:
    answer = call(None, REMOTE, "GET", path)
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert "--control-token" in error and "SMS_MOCKS_CONTROL_TOKEN" in error
    assert "Authorization: Bearer" in error


def test_writes_are_refused_too_and_change_nothing() -> None:
    app = build_app(load(clock="virtual"))

    async def go() -> int:
        remote = httpx.ASGITransport(app=app, client=REMOTE)
        local = httpx.ASGITransport(app=app, client=("127.0.0.1", 5))
        async with httpx.AsyncClient(transport=remote, base_url="http://m") as them, \
                httpx.AsyncClient(transport=local, base_url="http://m") as us:
            before = (await us.get("/_mock/clock")).json()["now"]
            status = (await them.post("/_mock/clock/advance", json={"seconds": 60})).status_code
            assert (await us.get("/_mock/clock")).json()["now"] == before
            return status

    assert asyncio.run(go()) == 403


@pytest.mark.parametrize("client", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_loopback_clients_need_no_token_even_when_one_is_set(client: str) -> None:
    assert call(None, (client, 1), "GET", "/_mock/accounts").status_code == 200
    assert call("s3cret", (client, 1), "GET", "/_mock/accounts").status_code == 200


def test_what_stays_open_to_everyone() -> None:
    assert call(None, REMOTE, "GET", "/_mock/health").json()["status"] == "ok"
    assert call(None, REMOTE, "GET", "/sys/balance.php?login=alex&psw=123").text == "1000.00"
    # the sink receives anyone's callbacks; reading what it got is gated
    assert call(None, REMOTE, "POST", "/_mock/sink/x", data={"id": "1"}).text == "OK"
    assert call(None, REMOTE, "GET", "/_mock/sink/x").status_code == 403
    assert call(None, REMOTE, "POST", "/_mock/health").status_code == 403  # only reading is open


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer s3cret"},
                                     {"authorization": "bearer s3cret"},
                                     {"X-Mock-Token": "s3cret"}])
def test_with_a_token_remote_clients_that_send_it_get_in(headers: dict[str, str]) -> None:
    assert call("s3cret", REMOTE, "GET", "/_mock/accounts", headers=headers).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"},
                                     {"Authorization": "Basic s3cret"}, {"X-Mock-Token": ""},
                                     {"Cookie": "sms_mocks_token=wrong"}])
def test_a_missing_or_wrong_token_is_401(headers: dict[str, str]) -> None:
    answer = call("s3cret", REMOTE, "GET", "/_mock/messages", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="sms-mocks"'
    assert "X-Mock-Token" in answer.json()["error"]


def test_the_inbox_link_with_the_token_sets_a_cookie_the_page_then_uses() -> None:
    app = build_app(load(clock="virtual", control_token="s3/cr;t"))

    async def go() -> None:
        transport = httpx.ASGITransport(app=app, client=REMOTE)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as browser:
            page = await browser.get("/_mock/ui/", params={"token": "s3/cr;t"})
            assert page.status_code == 200 and "<html" in page.text.lower()
            cookie = page.headers["set-cookie"]
            assert cookie.startswith("sms_mocks_token=s3%2Fcr%3Bt;")
            assert "HttpOnly" in cookie and "Path=/_mock" in cookie
            # the page's own requests carry the cookie, not the token
            assert (await browser.get("/_mock/messages")).status_code == 200
            browser.cookies.clear()
            assert (await browser.get("/_mock/messages")).status_code == 401

    asyncio.run(go())


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("::ffff:127.0.0.2")
    assert not is_loopback("10.0.0.5") and not is_loopback("::ffff:10.0.0.5")
    assert not is_loopback("localhost-ish") and not is_loopback("")


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    found = non_loopback_ipv4()
    if found is None:
        pytest.skip("this machine has no address other than loopback")
    yield found


@pytest.mark.slow
@pytest.mark.parametrize("token", [None, "s3cret"])
def test_over_a_real_socket_on_a_non_loopback_address(address: str, token: str | None) -> None:
    """The server listens on this machine's own non-loopback address, so the client it sees
    is that address, as a container sees the host."""
    with ServerThread(load(clock="virtual", control_token=token), host=address) as server, \
            http_client(server.url) as http:
        assert http.get("/sys/balance.php", params={"login": "alex", "psw": "123"}).text \
            == "1000.00"
        assert http.get("/_mock/health").status_code == 200
        refused = http.get("/_mock/accounts")
        assert refused.status_code == (403 if token is None else 401)
        if token is not None:
            assert http.get("/_mock/accounts", headers={"X-Mock-Token": token}).status_code \
                == 200
            # a person opens the inbox link: a redirect to the page, which sets the cookie
            opened = http.get("/_mock/ui", params={"token": token})
            assert opened.status_code == 308 and "sms_mocks_token" in opened.headers["set-cookie"]
            assert http.get("/_mock/messages").status_code == 200  # by the cookie


@pytest.mark.slow
def test_the_control_client_and_sandbox_send_the_token(address: str) -> None:
    """What the pytest plugin does with --sms-mocks-url and SMS_MOCKS_CONTROL_TOKEN."""
    with ServerThread(load(clock="virtual", control_token="t0k"), host=address) as server:
        without = ControlClient(server.url)
        with pytest.raises(ControlError, match="401"):
            without.call("GET", "/_mock/accounts")
        without.close()
        client = ControlClient(server.url, token="t0k")
        sandbox = Sandbox(client)
        try:
            account = sandbox.smsc
            httpx.get(f"{server.url}/sys/send.php", params={
                "login": account.login, "psw": account.password, "phones": "79991234567",
                "mes": "code 4321"})
            assert sandbox.wait_for_sms("79991234567", timeout=5)["code"] == "4321"
        finally:
            sandbox.close()
            client.close()


@pytest.mark.parametrize(("headers", "status"), [
    ({"Host": "evil.example"}, 403),  # DNS rebinding: a public name resolved to 127.0.0.1
    ({"Host": "127.0.0.1:7214", "Origin": "https://evil.example"}, 403),  # a cross-site POST
    ({"Host": "localhost:7214", "Origin": "http://localhost:7214"}, 200),  # the inbox itself
    ({"Host": "127.0.0.1:7214"}, 200),
    ({"Host": "[::1]:7214"}, 200),
    ({"Host": "smsc.ru"}, 200),  # a real host through a hosts entry
    ({"Host": "sandbox.localhost"}, 200),
])
def test_a_loopback_browser_led_by_another_site_is_treated_as_remote(
        headers: dict[str, str], status: int) -> None:
    answer = call(None, ("127.0.0.1", 5), "POST", "/_mock/clock/advance",
                  json={"seconds": 1}, headers=headers)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert "SMS_MOCKS_CONTROL_TOKEN" in answer.json()["error"]


def test_a_foreign_origin_still_gets_in_with_the_token() -> None:
    answer = call("s3cret", ("127.0.0.1", 5), "GET", "/_mock/clock",
                  headers={"Origin": "https://evil.example", "Authorization": "Bearer s3cret"})
    assert answer.status_code == 200
