"""TargetSMS as the emulator sees it: its host, its three APIs' routes, readings, errors,
accounts and limits."""

from __future__ import annotations

from sms_mocks.core.limits import Rule
from sms_mocks.providers.targetsms import journal, recording, requests, texts
from sms_mocks.providers.targetsms.endpoint import PROVIDER as NAME
from sms_mocks.providers.targetsms.routes import routes
from sms_mocks.seam.provider import Provider

PROVIDER = Provider(
    name=NAME,
    title="TargetSMS",
    apis=("TargetSMS", "TargetSMS JSON", "TargetSMS XML"),
    hosts=("sms.targetsms.ru",),  # `https://sms.targetsms.ru/sendsms.php` (001)
    routes=routes,
    default_senders=("SMSC",),  # what an account configured without senders has always had
    read=journal.read,
    explain=journal.explain_record,
    parse=requests.read,
    facts=requests.facts,
    fault_codes=frozenset(texts.CODES),  # its error texts, by a short name
    accounts=({
        # 001 shows no credentials; its balance example (445.6 RUR and the package line) is
        # what this account answers.
        "provider": NAME,
        "login": "demo",
        "password": "demo",
        "balance": "445.6",
        "senders": {"TargetSMS": "approved", "Shop": "approved"},
        "packages": {"Россия": 361, "МТС": 1, "Мегафон": 1, "Skylink": 1, "Yota": 1,
                     "Байкалвестком": 1, "Уралсвязьинформ": 1, "Енисейтелеком": 1, "НСС": 1,
                     "Мотив": 1, "Tele2": 1, "СМАРТС": 1, "Ростелеком": 1, "BeeLine": 1,
                     "Остальные": 1},
    },),
    # 001: identical requests, once a minute
    limits={"targetsms.duplicate": Rule(max=1, window=60)},
    recording=recording.RECORDING,  # what `sms-mocks record` and `diff` know of it
)
