"""A real browser (Playwright driving Debian's Chromium) on the inbox's defences: the page
works under its own Content-Security-Policy with no violation, and a page on the same site but
another origin can neither steer the emulator with the inbox's cookie nor frame the inbox."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, Sandbox
from tests.addresses import non_loopback_ipv4

pytestmark = [pytest.mark.slow, pytest.mark.external]  # Chromium, driven by Playwright

TOKEN = "t0k-browser"
# Records what the page's policy blocks, from before the page's own script runs.
WATCH = """window.violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    opened = context.new_page()
    yield opened
    context.close()


def test_the_inbox_works_under_its_policy(page: Page, sms_mocks: Sandbox,
                                          http: httpx.Client) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(WATCH)
    account = sms_mocks.account("smsc")
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    expect(page.locator("#live")).to_have_text("live")
    http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                      "phones": "79161234569", "mes": "policy"})
    page.locator("#threads li", has_text="+79161234569").click()
    bubble = page.locator(".bubble", has_text="policy")
    bubble.click()
    # a POST with no body: the page must still say JSON, or it is a 415
    with page.expect_response(lambda r: r.url.endswith("/deliver")) as delivered:
        page.click("#deliver")
    assert delivered.value.status == 200
    expect(bubble).to_have_attribute("data-status", "delivered")
    assert page.evaluate("window.violations") == []
    assert not [line for line in console if "Content Security Policy" in line]


@pytest.fixture(scope="module")
def remote() -> Iterator[tuple[str, ControlClient]]:
    """An emulator with a token on this machine's own non-loopback address, so the browser
    is admitted by the inbox's cookie (loopback needs none)."""
    address = non_loopback_ipv4()
    if address is None:
        pytest.skip("this machine has no address other than loopback")
    with ServerThread(load(clock="virtual", control_token=TOKEN), host=address) as server:
        control = ControlClient(server.url, token=TOKEN)
        yield server.url, control
        control.close()


def test_the_inbox_steers_by_its_cookie_and_another_origin_cannot(
        page: Page, remote: tuple[str, ControlClient]) -> None:
    url, control = remote
    page.goto(f"{url}/_mock/ui?token={TOKEN}")  # sets the cookie, redirects to the page
    assert page.url == f"{url}/_mock/ui/"
    expect(page.locator("#live")).to_have_text("live")
    before = control.call("GET", "/_mock/clock")["timestamp"]
    with page.expect_response(lambda r: r.url.endswith("/_mock/clock/advance")) as moved:
        page.click("[data-advance='60']")
    assert moved.value.status == 200
    assert control.call("GET", "/_mock/clock")["timestamp"] == before + 60

    # A page of the same site (the same address, another port), so the SameSite cookie goes
    # with its requests: it posts a text/plain body, which needs no preflight.
    port = int(url.rsplit(":", 1)[1])
    evil = f"{url.rsplit(':', 1)[0]}:{47000 if port != 47000 else 47001}"
    page.route(f"{evil}/**", lambda route: route.fulfill(
        content_type="text/html",
        body=f'<!doctype html><title>evil</title><iframe src="{url}/_mock/ui/"></iframe>'))
    page.goto(f"{evil}/")
    with page.expect_response(lambda r: r.url.endswith("/_mock/clock/advance")) as attacked:
        page.evaluate("""(url) => fetch(url + "/_mock/clock/advance", {
            method: "POST", mode: "no-cors", credentials: "include",
            headers: {"Content-Type": "text/plain"}, body: JSON.stringify({seconds: 3600})})""",
                      url)
    assert attacked.value.status == 403
    # Read from the response's own request: a "request" listener may not have run yet here.
    sent = attacked.value.request.all_headers()
    assert "sms_mocks_token" in sent.get("cookie", ""), sent  # the cookie did go
    assert sent["origin"] == evil
    assert control.call("GET", "/_mock/clock")["timestamp"] == before + 60  # not moved

    # ... nor can it frame the inbox: the frame holds no inbox
    frame = page.frames[1]
    frame.wait_for_load_state()
    assert frame.locator("#threads").count() == 0
    assert "SMS inbox" not in frame.content()
    assert json.dumps(control.call("GET", "/_mock/health")["internal_errors"]) == "0"
