"""SMS-Pager's paths: raw XML POSTed to <action>.xml at the root of the host."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.providers.smspager.balance import balance
from sms_mocks.providers.smspager.cancel import cancel
from sms_mocks.providers.smspager.endpoint import Endpoint
from sms_mocks.providers.smspager.report import report
from sms_mocks.providers.smspager.send import send

routes = [
    Route("/send.xml", Endpoint(send), methods=["POST"]),
    Route("/report.xml", Endpoint(report), methods=["POST"]),
    Route("/balance.xml", Endpoint(balance), methods=["POST"]),
    Route("/cancel.xml", Endpoint(cancel), methods=["POST"]),
]
