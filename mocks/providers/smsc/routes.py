"""SMSC's paths, at the places the real host serves them."""

from __future__ import annotations

from starlette.routing import Route

from mocks.providers.smsc.balance import balance
from mocks.providers.smsc.endpoint import Endpoint
from mocks.providers.smsc.send import send
from mocks.providers.smsc.soap.endpoint import PATH as SOAP_PATH
from mocks.providers.smsc.soap.endpoint import SoapEndpoint
from mocks.providers.smsc.status import status

METHODS = ["GET", "POST"]

routes = [
    Route("/sys/send.php", Endpoint(send), methods=METHODS),
    Route("/sys/status.php", Endpoint(status), methods=METHODS),
    Route("/sys/balance.php", Endpoint(balance), methods=METHODS),
    Route(SOAP_PATH, SoapEndpoint(), methods=METHODS),
]
