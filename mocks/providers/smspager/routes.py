"""SMS-Pager's paths: raw XML POSTed to <action>.xml at the root of the host.

000 says to POST; it does not say a GET is refused, and a GET carries no document, so it is
answered as an empty POST is: the XML parser error (700), not a framework's 405 page that no
source shows the service sending."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.providers.smspager.balance import balance
from sms_mocks.providers.smspager.cancel import cancel
from sms_mocks.providers.smspager.endpoint import Endpoint
from sms_mocks.providers.smspager.report import report
from sms_mocks.providers.smspager.send import send

METHODS = ["GET", "POST"]

routes = [
    Route("/send.xml", Endpoint(send), methods=METHODS),
    Route("/report.xml", Endpoint(report), methods=METHODS),
    Route("/balance.xml", Endpoint(balance), methods=METHODS),
    Route("/cancel.xml", Endpoint(cancel), methods=METHODS),
]
