"""TargetSMS's paths: sendsms.php (001), the JSON API and the XML gate's scripts
(targetsms-json-xml.md).

The JSON and XML APIs are POSTed to; a GET is answered too, by its body when it has one (CI
reads state.php with a GET carrying the document) and otherwise as a POST without one is,
with «POST данные отсутствуют», not a framework's 405 page no source shows."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.providers.targetsms.balance import balance
from sms_mocks.providers.targetsms.endpoint import Endpoint
from sms_mocks.providers.targetsms.json_api import PATH as JSON_PATH
from sms_mocks.providers.targetsms.json_api import JsonEndpoint
from sms_mocks.providers.targetsms.send import send
from sms_mocks.providers.targetsms.status import status
from sms_mocks.providers.targetsms.xml_api import SCRIPTS, XmlEndpoint

METHODS = ["GET", "POST"]

routes = [
    Route("/sendsms.php", Endpoint(send, status, balance), methods=METHODS),
    Route(JSON_PATH, JsonEndpoint(), methods=METHODS),
    *(Route(path, XmlEndpoint(command), methods=METHODS) for path, command in SCRIPTS.items()),
]
