"""SMSC's paths, at the places the real host serves them."""

from __future__ import annotations

from starlette.routing import Route

from mocks.providers.smsc.balance import balance
from mocks.providers.smsc.endpoint import endpoint
from mocks.providers.smsc.send import send
from mocks.providers.smsc.status import status

METHODS = ["GET", "POST"]

routes = [
    Route("/sys/send.php", endpoint(send), methods=METHODS),
    Route("/sys/status.php", endpoint(status), methods=METHODS),
    Route("/sys/balance.php", endpoint(balance), methods=METHODS),
]
