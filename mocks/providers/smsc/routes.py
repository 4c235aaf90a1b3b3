"""SMSC's paths, at the places the real host serves them."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.providers.smsc.balance import balance
from sms_mocks.providers.smsc.endpoint import Endpoint
from sms_mocks.providers.smsc.op_templates import op_templates
from sms_mocks.providers.smsc.ping import ping
from sms_mocks.providers.smsc.rest import PATH as REST_PATH
from sms_mocks.providers.smsc.rest import RestEndpoint
from sms_mocks.providers.smsc.send import send
from sms_mocks.providers.smsc.senders import senders
from sms_mocks.providers.smsc.soap.endpoint import PATH as SOAP_PATH
from sms_mocks.providers.smsc.soap.endpoint import SoapEndpoint
from sms_mocks.providers.smsc.status import status
from sms_mocks.providers.smsc.templates import templates

METHODS = ["GET", "POST"]

routes = [
    Route("/sys/send.php", Endpoint(send), methods=METHODS),
    Route("/sys/status.php", Endpoint(status), methods=METHODS),
    Route("/sys/balance.php", Endpoint(balance), methods=METHODS),
    Route("/sys/templates.php", Endpoint(templates), methods=METHODS),
    Route("/sys/op_templates.php", Endpoint(op_templates), methods=METHODS),
    Route("/sys/ping.php", Endpoint(ping), methods=METHODS),
    Route("/sys/senders.php", Endpoint(senders), methods=METHODS),
    Route(REST_PATH, RestEndpoint(), methods=METHODS),
    Route(SOAP_PATH, SoapEndpoint(), methods=METHODS),
]
