"""The inbox in a real browser, as a newcomer meets it: it opens on the newest conversation,
says which provider each one is with, marks the one-time code, shows one id with the
provider's beside it, offers only the actions that apply, says why a magic number's message
went its way, hints at UTF-8 read as windows-1251, and fits an 800 px window."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from sms_mocks.testing.sandbox import MockAccount, Sandbox

pytestmark = [pytest.mark.slow, pytest.mark.external]  # Chromium, driven by Playwright

PLAIN = "79161234567"
SILENT = "79000000001"  # a magic number: the network never answers


def open_page(browser: Browser, width: int, height: int) -> Page:
    return browser.new_context(viewport={"width": width, "height": height}).new_page()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = open_page(browser, 1280, 760)
    yield opened
    opened.context.close()


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    opened = open_page(browser, 800, 700)
    yield opened
    opened.context.close()


def send(http: httpx.Client, account: MockAccount, phone: str, text: str,
         **params: str) -> str:
    answer = http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                               "phones": phone, "mes": text, **params})
    assert answer.status_code == 200
    return answer.text


def test_it_opens_the_newest_conversation_with_what_matters_marked(
        page: Page, sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    send(http, account, PLAIN, "Your code is 4821", charset="utf-8")
    assert send(http, account, SILENT, "hello") == "OK - 1 SMS, ID - 2"
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")

    # no click: the newest conversation is open, its newest message in the detail pane
    expect(page.locator("#threads li.active")).to_contain_text(f"+{SILENT}")
    expect(page.locator("#thread-title")).to_have_text(f"+{SILENT}")
    [silent] = [m for m in sms_mocks.messages() if m["phone"] == SILENT]
    expect(page.locator("#detail-id")).to_have_text(f"#{silent['id']}")
    expect(page.locator("#detail-ext-id")).to_have_text("SMSC id 2")  # the answer's "ID - 2"
    expect(page.locator("#detail-fields")).not_to_contain_text("ext_id")  # said once
    decided = "magic number 79000000001 (never answered: expires when its validity ends)"
    expect(page.locator("#detail-decided")).to_have_text(f"Decided by {decided}")
    expect(page.locator(".bubble .decided")).to_have_text(f"decided by {decided}")

    # every conversation names its provider
    for phone in (PLAIN, SILENT):
        expect(page.locator("#threads li", has_text=f"+{phone}").locator(".tag")) \
            .to_have_text(["SMSC"])

    page.locator("#threads li", has_text=f"+{PLAIN}").click()
    bubble = page.locator(".bubble", has_text="Your code is")
    expect(bubble.locator("mark.otp")).to_have_text("4821")
    expect(bubble.locator(".text")).to_have_text("Your code is 4821")  # marked, not changed
    expect(bubble.locator(".decided")).to_have_count(0)  # an ordinary number says nothing


def visible_actions(page: Page) -> list[str]:
    return [b.inner_text() for b in page.locator("#detail .actions button").all()
            if b.is_visible()]


def test_only_the_actions_that_apply_are_offered(page: Page, sms_mocks: Sandbox,
                                                 http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    send(http, account, PLAIN, "hello")
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    bubble = page.locator(".bubble", has_text="hello")
    expect(bubble).to_have_attribute("data-status", "queued")
    expect(page.locator("#deliver")).to_be_visible()
    assert visible_actions(page) == ["Mark delivered", "Expire", "Mark failed"]

    page.click("#deliver")
    expect(bubble).to_have_attribute("data-status", "delivered")
    expect(page.locator("#read")).to_be_visible()
    assert visible_actions(page) == ["Mark read"]  # no "Mark delivered" on a delivered one

    page.click("#read")
    expect(bubble).to_have_attribute("data-status", "read")
    expect(page.locator("#actions")).to_be_hidden()
    expect(page.locator("#no-actions")).to_have_text("The message is read: nothing left to do.")
    assert sms_mocks.messages()[0]["status"] == "read"


def test_utf8_read_as_windows_1251_gets_a_hint(page: Page, sms_mocks: Sandbox,
                                               http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    send(http, account, PLAIN, "Ваш код 4821")  # UTF-8 bytes, no charset: SMSC reads cp1251
    page.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    bubble = page.locator(".bubble", has_text="Р’Р°С€")
    expect(bubble.locator(".charset")).to_contain_text("looks like UTF-8 read as windows-1251")
    expect(bubble.locator(".charset")).to_contain_text("Ваш код 4821")
    expect(page.locator("#detail-charset")).to_contain_text("charset=utf-8")


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def test_at_800_px_nothing_wraps_badly_or_is_cut_off(narrow: Page, sms_mocks: Sandbox,
                                                     http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    send(http, account, PLAIN, "Your code is 4821. " + "A long line of text " * 20)
    narrow.goto(f"{sms_mocks.url}/_mock/ui/?account={account.login}")
    expect(narrow.locator("#live")).to_have_text("live")
    expect(narrow.locator("#detail")).to_be_visible()
    width = 800

    # nothing scrolls sideways, and every pane and header item is inside the window
    assert narrow.evaluate("document.documentElement.scrollWidth") <= width
    for selector in (".conversations", ".thread", ".detail", "#reply"):
        pane = box(narrow.locator(selector))
        assert pane["x"] >= 0 and pane["x"] + pane["width"] <= width + 0.5, selector
    assert box(narrow.locator(".detail"))["width"] >= 240
    assert box(narrow.locator(".thread"))["width"] >= 250
    for item in narrow.locator(".bar button, .bar h1, .bar .pill, .bar input").all():
        if item.is_visible():
            found = box(item)
            assert found["x"] + found["width"] <= width + 0.5, item.inner_text()

    # the header is two tidy rows: title, live and "Clear all"; then the whole clock
    bar = box(narrow.locator(".bar"))
    assert bar["height"] <= 96
    title, clear = box(narrow.locator(".bar h1")), box(narrow.locator("#clear"))
    assert abs((title["y"] + title["height"] / 2) - (clear["y"] + clear["height"] / 2)) < 8
    clock = [box(item) for item in narrow.locator(".clock > *").all() if item.is_visible()]
    middles = [b["y"] + b["height"] / 2 for b in clock]
    assert max(middles) - min(middles) < 8  # one row, not wrapped
    assert min(b["y"] for b in clock) > title["y"] + title["height"] - 1  # below the title

    shot = Image.open(io.BytesIO(narrow.screenshot())).convert("RGB")
    assert shot.width == width
    colours = shot.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50  # text, bubbles and panes, not a blank page
