"""A real browser (Playwright driving Debian's Chromium) on the inbox: a message sent through
send.php appears as a bubble, and turns delivered when the clock moves, with no reload."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from sms_mocks.testing.sandbox import Sandbox

pytestmark = [pytest.mark.slow, pytest.mark.external]  # Chromium, driven by Playwright

@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    opened = context.new_page()
    yield opened
    context.close()


def test_a_sent_message_appears_and_turns_delivered_without_a_reload(
        page: Page, sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    expect(page.locator("#live")).to_have_text("live")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    answer = http.get("/sys/send.php", params={
        "login": account.login, "psw": account.password, "phones": "79161234567",
        "mes": "Your code is 4821", "sender": "SMSC"})
    assert answer.text == "OK - 1 SMS, ID - 1"
    thread = page.locator("#threads li", has_text="+79161234567")
    expect(thread).to_be_visible()
    thread.click()
    bubble = page.locator(".bubble", has_text="Your code is 4821")
    expect(bubble).to_have_attribute("data-status", "queued")
    expect(bubble).to_contain_text("GSM-7 · 1 part · 1.40")

    sms_mocks.advance(10)
    expect(bubble).to_have_attribute("data-status", "delivered")
    expect(bubble.locator(".timeline li")).to_have_text(
        [_step("queued"), _step("sent"), _step("delivered")])
    # a reply injected by someone else (a test, another tab) arrives over the event stream
    assert http.post("/_mock/inbound", json={"provider": "smsc", "login": account.login,
                                             "phone": "79161234567", "text": "Thanks!"}
                     ).status_code == 201
    expect(page.locator(".bubble.inbound", has_text="Thanks!")).to_be_visible()
    assert page.evaluate("window.loadedOnce") is True

    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    colours = shot.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50  # text, bubbles and panes, not a blank page
    background = max(colours)[0]
    assert background < 0.8 * shot.width * shot.height


def _step(status: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{status}\s+\d\d:\d\d:\d\d\s*$")


def test_a_person_steers_from_the_page(page: Page, sms_mocks: Sandbox,
                                       http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    expect(page.locator("#live")).to_have_text("live")
    http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                      "phones": "79161234568", "mes": "Привет", "charset":
                                      "utf-8"})
    page.locator("#threads li", has_text="+79161234568").click()
    bubble = page.locator(".bubble", has_text="Привет")
    expect(bubble).to_contain_text("UCS-2 · 1 part")
    bubble.click()
    expect(page.locator("#detail-request")).to_contain_text("GET /sys/send.php")
    expect(page.locator("#detail-answer")).to_contain_text("OK - 1 SMS, ID - 1")

    page.fill("#fail-err", "6")
    page.click("#fail-form button")
    expect(bubble).to_have_attribute("data-status", "undelivered")
    expect(bubble).to_contain_text("err 6")
    assert sms_mocks.messages()[0]["err"] == 6

    page.fill("#reply-text", "СТОП")
    page.click("#reply button")
    expect(page.locator(".bubble.inbound", has_text="СТОП")).to_be_visible()
    replies = sms_mocks.control.call("GET", "/_mock/inbound", query={"account": account.login})
    assert [(r["phone"], r["text"]) for r in replies["inbound"]] == [("79161234568", "СТОП")]

    page.fill("#balance", "12.34")
    with page.expect_response(lambda r: r.url.endswith("/_mock/accounts")
                              and r.request.method == "POST"):
        page.click("#balance-form button")
    assert sms_mocks.balance(account) == "12.34"

    with page.expect_response(lambda r: r.url.endswith("/_mock/accounts")
                              and r.request.method == "POST"):
        page.select_option("#carrier", "dead")
    [row] = [a for a in sms_mocks.control.call("GET", "/_mock/accounts")["accounts"]
             if a["login"] == account.login]
    assert row["carrier"] == "dead"
    page.fill("#fault-value", "503")
    page.fill("#fault-times", "1")
    page.click("#fault-form button")
    expect(page.locator("#faults li", has_text="status 503")).to_be_visible()
    assert http.get("/sys/balance.php", params={
        "login": account.login, "psw": account.password}).status_code == 503
    page.locator("#faults button", has_text="Remove").first.click()
    expect(page.locator("#faults li")).to_have_text(["none"])
