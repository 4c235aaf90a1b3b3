"""/_mock/ui: the inbox page and its static files."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from sms_mocks import __version__

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
    return templates.TemplateResponse(request, "inbox.html", {"version": __version__},
                                      headers=HEADERS)


async def to_inbox(request: Request) -> Response:
    return RedirectResponse("/_mock/ui/", status_code=308)


routes = [
    Route("/_mock/ui", to_inbox, methods=["GET"]),
    Route("/_mock/ui/", inbox, methods=["GET"]),
    Mount("/_mock/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static"),
]
