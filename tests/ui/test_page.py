"""The inbox page and its assets are served by the emulator itself, and need no network."""

from __future__ import annotations

import re

import httpx


def test_the_page_and_its_assets_are_served(http: httpx.Client) -> None:
    assert http.get("/_mock/ui").status_code == 308
    page = http.get("/_mock/ui/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:href|src)="([^"]+)"', page.text)
    assert sorted(a.rsplit("/", 1)[-1] for a in assets if a.startswith("http")) == \
        ["inbox.css", "inbox.js"]
    for asset in assets:
        if asset.startswith("http"):
            assert asset.startswith(str(http.base_url)), asset  # the emulator's, no CDN
            assert http.get(asset).status_code == 200


def test_the_script_reaches_only_the_emulator(http: httpx.Client) -> None:
    script = http.get("/_mock/ui/static/inbox.js").text
    assert "http://" not in script and "https://" not in script
    assert "new EventSource(\"/_mock/events\")" in script
