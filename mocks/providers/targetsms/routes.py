"""TargetSMS's one path."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.providers.targetsms.balance import balance
from sms_mocks.providers.targetsms.endpoint import Endpoint
from sms_mocks.providers.targetsms.send import send
from sms_mocks.providers.targetsms.status import status

routes = [Route("/sendsms.php", Endpoint(send, status, balance), methods=["GET", "POST"])]
