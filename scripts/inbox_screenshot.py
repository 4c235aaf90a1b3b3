#!/usr/bin/env python3
"""Remakes docs/inbox.png, the README's picture of the inbox: a server of its own with a few
messages through each provider, then Debian's chromium through Playwright.

    .venv/bin/python scripts/inbox_screenshot.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient

OUT = Path(__file__).resolve().parent.parent / "docs" / "inbox.png"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def populate(http: httpx.Client, control: ControlClient) -> None:
    smsc = {"login": "alex", "psw": "123", "charset": "utf-8"}
    http.get("/sys/send.php", params={**smsc, "phones": "79161234567", "sender": "SMSC",
                                      "mes": "Ваш код подтверждения: 4821"})
    control.advance(10)
    http.get("/sys/send.php", params={**smsc, "phones": "79161234567", "sender": "SMSC",
                                      "mes": "Заказ №1042 собран и передан в доставку."})
    http.get("/sys/send.php", params={**smsc, "phones": "79000001006", "sender": "SMSC",
                                      "mes": "Напоминание: запись к врачу завтра в 10:00"})
    control.advance(2)
    http.get("/sendsms.php", params={"user": "demo", "pwd": "demo", "sadr": "Shop",
                                     "dadr": "79031234567", "text": "Your order has shipped"})
    pager = ("<?xml version='1.0' encoding='UTF-8'?><data><login>test</login>"
             "<password>123456</password><text>Скидка 20% до воскресенья</text>"
             "<source>Magazin</source><to number='79261234567'></to></data>")
    http.post("/send.xml", content=pager.encode())
    control.advance(8)
    control.call("POST", "/_mock/inbound", {"provider": "smsc", "login": "alex",
                                            "phone": "79161234567", "text": "Спасибо!"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with ServerThread(load(clock="virtual")) as server:
        control = ControlClient(server.url)
        with httpx.Client(base_url=server.url) as http:
            populate(http, control)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 640})
            page.goto(f"{server.url}/_mock/ui/")
            page.locator("#threads li", has_text="+79161234567").click()
            page.locator(".bubble", has_text="4821").click()
            expect(page.locator("#detail-answer")).to_contain_text("OK")
            page.screenshot(path=str(OUT))
            browser.close()
        control.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
