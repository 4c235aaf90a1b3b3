"""The inbox page says what a browser may do with it: never be framed (no clickjacking of its
buttons), run only its own files, talk only to its own origin."""

from __future__ import annotations

import re

import httpx

from sms_mocks.ui.routes import HERE


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_the_page_is_never_framed_and_runs_only_its_own_files(http: httpx.Client) -> None:
    page = http.get("/_mock/ui/")
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    policy = _directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert set(policy) - {"default-src", "frame-ancestors", "object-src", "base-uri",
                          "form-action", "img-src"} == set()  # script, style: 'self' only
    assert policy["img-src"] == ["'self'", "data:"]  # the empty icon, data:,
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_the_template_needs_nothing_inline() -> None:
    """What the policy would block: inline scripts, styles and handlers."""
    template = (HERE / "templates" / "inbox.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", template) == []
    assert "<style" not in template and " style=" not in template
    assert re.findall(r"\son[a-z]+=", template) == []
    assert "javascript:" not in template
    script = (HERE / "static" / "inbox.js").read_text()
    assert "style=" not in script and "eval(" not in script and "new Function" not in script
    assert not re.search(r"\son[a-z]+=", script)  # no handlers in the HTML it writes
