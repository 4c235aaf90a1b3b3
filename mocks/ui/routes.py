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


async def inbox(request: Request) -> Response:
    return templates.TemplateResponse(request, "inbox.html", {"version": __version__})


async def to_inbox(request: Request) -> Response:
    return RedirectResponse("/_mock/ui/", status_code=308)


routes = [
    Route("/_mock/ui", to_inbox, methods=["GET"]),
    Route("/_mock/ui/", inbox, methods=["GET"]),
    Mount("/_mock/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static"),
]
