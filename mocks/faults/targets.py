"""What a fault rule can aim at: the providers' paths, and each provider's documented errors."""

from __future__ import annotations

from sms_mocks.providers.smsc import codes as smsc_codes
from sms_mocks.providers.smsc.routes import routes as smsc_routes
from sms_mocks.providers.smspager import codes as smspager_codes
from sms_mocks.providers.smspager.routes import routes as smspager_routes
from sms_mocks.providers.targetsms import texts as targetsms_texts
from sms_mocks.providers.targetsms.routes import routes as targetsms_routes

PROVIDERS = ("smsc", "smspager", "targetsms")

# Every provider path the emulator serves, and whose it is.
PATHS: dict[str, str] = {
    **{route.path: "smsc" for route in smsc_routes},
    **{route.path: "smspager" for route in smspager_routes},
    **{route.path: "targetsms" for route in targetsms_routes},
}

# A documented error, as each dialect names it: SMSC's codes 1-9 (HTTP and SOAP alike),
# SMS-Pager's result codes other than success, TargetSMS's error texts by a short name.
ERRORS: dict[str, frozenset[int | str]] = {
    "smsc": frozenset(smsc_codes.DESCRIPTIONS),
    "smspager": frozenset(code for code in (*smspager_codes.DESCRIPTIONS,
                                            *smspager_codes.PARSER_DETAILS)
                          if code != smspager_codes.OK),
    "targetsms": frozenset(targetsms_texts.CODES),
}
