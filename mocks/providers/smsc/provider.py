"""SMSC as the emulator sees it: its hosts, routes, readings, errors, accounts and limits."""

from __future__ import annotations

from sms_mocks.core.limits import Rule
from sms_mocks.providers.smsc import (
    callbacks,
    codes,
    incoming,
    journal,
    recording,
    requests,
    stored,
)
from sms_mocks.providers.smsc.endpoint import PROVIDER as NAME
from sms_mocks.providers.smsc.routes import routes
from sms_mocks.providers.smsc.soap import DEFAULT_NAMESPACE, NAMESPACES
from sms_mocks.seam.provider import Provider
from sms_mocks.settings.kinds import Choice, Setting

PROVIDER = Provider(
    name=NAME,
    title="SMSC",
    apis=("SMSC HTTP", "SMSC SOAP"),
    # The documents' base URLs: `https://smsc.ru/sys/` (002), `https://smsc.ua/sys/soap.php`
    # (003); the official libraries retry on www2.smsc.ru … www5.smsc.ru (FACTS B.1).
    hosts=("smsc.ru", "www2.smsc.ru", "www3.smsc.ru", "www4.smsc.ru", "www5.smsc.ru",
           "smsc.ua"),
    routes=routes,
    read=journal.read,
    explain=journal.explain_record,
    parse=requests.read,
    facts=requests.facts,
    fault_codes=frozenset(codes.DESCRIPTIONS),
    accounts=({
        "provider": NAME,
        "login": "alex",
        "password": "123",
        "balance": "1000.00",
        "senders": {"SMSC": "approved", "ivan": "approved", "79991234567": "approved",
                    "alex2@mysite2.com": "approved"},
        # 002 sends to "G777,g888"; these groups make that example run.
        "groups": {"777": ["79999999999", "79999999998"], "888": ["79161234567"]},
    },),
    # The documented limits (002 and FACTS B.1–B.3); names are what config files use.
    limits={
        "smsc.duplicate_send": Rule(max=1, window=60),
        "smsc.duplicate_cost": Rule(max=5, window=60),
        "smsc.status_per_message": Rule(max=5, window=60),
        # "more than one mass request within a minute" (smscentre.com's status-answer page)
        "smsc.duplicate_status_multi": Rule(max=1, window=60),
        "smsc.balance_requests": Rule(max=10, window=60),
        "smsc.concurrent": Rule(max=14),  # "15 or more at once" is refused
        "smsc.per_number_flood": Rule(max=50, window=60),
        "smsc.error_block": Rule(max=30, block=600),
        "smsc.templates_identical": Rule(max=3, window=60),  # templates.php
        "smsc.op_templates_identical": Rule(max=10, window=60),  # op_templates.php
        "smsc.ping_identical": Rule(max=5, window=60),  # ping.php
    },
    # Every account may sign as SMSC's default "SMSC.RU" (live service; fidelity notes).
    shared_senders=frozenset({"smsc.ru"}),
    default_senders=("SMSC",),
    settings=(Setting(Choice(NAMESPACES), "the namespace SMSC's SOAP API answers in",
                      key="smsc.soap_namespace", attr="dialect.smsc.soap_namespace",
                      default=DEFAULT_NAMESPACE),),
    inbound_form=incoming.form,  # SMSC passes incoming messages on to the callback URL
    attach=callbacks.attach,
    stored_state=stored.STORED,
    recording=recording.RECORDING,  # what `sms-mocks record` and `diff` know of it
)
