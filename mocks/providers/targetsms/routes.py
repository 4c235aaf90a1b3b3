"""TargetSMS's one path."""

from __future__ import annotations

from starlette.routing import Route

from mocks.providers.targetsms.balance import balance
from mocks.providers.targetsms.endpoint import Endpoint
from mocks.providers.targetsms.send import send
from mocks.providers.targetsms.status import status

routes = [Route("/sendsms.php", Endpoint(send, status, balance), methods=["GET", "POST"])]
