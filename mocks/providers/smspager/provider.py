"""SMS-Pager as the emulator sees it: its host, routes, readings, errors and accounts."""

from __future__ import annotations

from sms_mocks.providers.smspager import codes, journal, recording, requests
from sms_mocks.providers.smspager.endpoint import PROVIDER as NAME
from sms_mocks.providers.smspager.routes import routes
from sms_mocks.seam.provider import Provider

PROVIDER = Provider(
    name=NAME,
    title="SMS-Pager",
    apis=("SMS-Pager XML",),
    hosts=("transport.sms-pager.com",),  # `https://transport.sms-pager.com:7214/` (000)
    routes=routes,
    default_senders=("SMSC",),  # what an account configured without senders has always had
    read=journal.read,
    explain=journal.explain_record,
    parse=requests.read,
    facts=requests.facts,
    # its result codes other than success
    fault_codes=frozenset(code for code in (*codes.DESCRIPTIONS, *codes.PARSER_DETAILS)
                          if code != codes.OK),
    accounts=({
        # 000's examples log in as test/123456 and sign as "Magazin".
        "provider": NAME,
        "login": "test",
        "password": "123456",
        "balance": "1000.00",
        "senders": {"Magazin": "approved", "SMS-Pager": "approved"},
    },),
    recording=recording.RECORDING,  # what `sms-mocks record` and `diff` know of it
)
