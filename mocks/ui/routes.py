"""/_mock/ui: the inbox page and its static files."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from sms_mocks import __version__
from sms_mocks.seam import registry

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


# The page runs only its own script and style files (no inline code: the template has none),
# talks only to its own origin, and is never framed (no clickjacking of its buttons). The icon
# is an empty data: URL, so the browser asks for no /favicon.ico.
POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": POLICY, "X-Frame-Options": "DENY",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


async def inbox(request: Request) -> Response:
    providers = [(provider.name, provider.title) for provider in registry.providers()]
    return templates.TemplateResponse(request, "inbox.html", {
        "version": __version__, "providers": providers,
        "providers_json": json.dumps(dict(providers))}, headers=HEADERS)


def _inbox_url(request: Request) -> str:
    """The inbox's address with the filters this one carried (?account=...), but not a
    token: the gate has taken it and set its cookie, so it leaves the address bar."""
    kept = urlencode([(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True)
                      if k != "token"])
    return f"/_mock/ui/?{kept}" if kept else "/_mock/ui/"


async def to_inbox(request: Request) -> Response:
    return RedirectResponse(_inbox_url(request), status_code=308)


async def home(request: Request) -> Response:
    """/ and /_mock/ lead a person to the inbox, with the filters their address carried.
    /_mock/ is behind the control plane's gate like the inbox itself, and the address is a
    constant, so the redirect tells a stranger nothing the inbox would not. / is not gated,
    so a token given there goes on to /_mock/ui, whose gate sets the cookie. Temporary (307):
    a browser must not remember it for an address that may serve another program tomorrow."""
    if request.url.path == "/" and "token" in request.query_params:
        return RedirectResponse(f"/_mock/ui?{request.url.query}", status_code=307)
    return RedirectResponse(_inbox_url(request), status_code=307)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/_mock", home, methods=["GET"]),
    Route("/_mock/", home, methods=["GET"]),
    Route("/_mock/ui", to_inbox, methods=["GET"]),
    Route("/_mock/ui/", inbox, methods=["GET"]),
    Mount("/_mock/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static"),
]
