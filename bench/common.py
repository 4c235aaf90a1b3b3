"""What the benchmark's pieces share: the bench accounts and the requests they send.

Every request number n names its own phone (7999 + n, seven digits) and, where the call takes
one, its own id, so the default limits (duplicate sends, per-number floods, status reads per
message) never refuse a request. The .lua scripts build the very same requests.
"""

from __future__ import annotations

import os
from typing import Any

from sms_mocks.config import Settings

PATH = "/sys/send.php"
LOGIN = "bench"
PASSWORD = "bench"
TEXT = "Test+message"  # already URL-encoded
PHONE_PREFIX = "7999"  # + 7 digits: ten million distinct mobile numbers
PHONES = 10_000_000

# A realistic client account: the default limits stay ON, it only has the money for a long run.
BENCH_ACCOUNT: dict[str, Any] = {
    "provider": "smsc",
    "login": LOGIN,
    "password": PASSWORD,
    "balance": "100000000",
}


PAGER_PATH = "/send.xml"
PAGER_ACCOUNT: dict[str, Any] = {**BENCH_ACCOUNT, "provider": "smspager"}

TARGET_PATH = "/sendsms.php"
TARGET_SENDER = "Bench"
TARGET_ACCOUNT: dict[str, Any] = {**BENCH_ACCOUNT, "provider": "targetsms",
                                  "senders": {TARGET_SENDER: "approved"}}

STATUS_PATH = "/sys/status.php"
# status.php reads messages the server stored before it listened (serve_target.py --prefill):
# message n goes to phone(n) with the id n // STATUS_BATCH + 1, sent STATUS_BATCH at a time,
# and request n asks for message n % prefill. SMSC allows 5 reads of one message a minute, so
# the prefill is sized to keep each message under that at the emulator's rate.
STATUS_BATCH = 1000


def settings() -> Settings:
    """The emulator's default settings (real clock, speed 1, default limits) plus the bench
    accounts, one per provider measured."""
    # as `sms-mocks serve` runs; SMS_MOCKS_LOG_FORMAT=json|text measures the request log too
    base = Settings(freeze_gc=True, log_format=os.environ.get("SMS_MOCKS_LOG_FORMAT"))
    base.accounts += [dict(BENCH_ACCOUNT), dict(PAGER_ACCOUNT), dict(TARGET_ACCOUNT)]
    return base


def pager_body(n: int) -> str:
    """The XML of SMS-Pager request number n: a new mailing to its own number."""
    return (f"<?xml version='1.0' encoding='UTF-8'?><data><login>{LOGIN}</login>"
            f"<password>{PASSWORD}</password><text>Test message</text>"
            f"<to number='{PHONE_PREFIX}{n % PHONES:07d}'></to></data>")


SOAP_PATH = "/sys/soap.php"
SOAP_NS = "http://smsc.ru/sys/soap.php"


def soap_body(n: int) -> str:
    """The envelope of SOAP request number n: send_sms of a new message, as zeep writes it."""
    return ('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<soap-env:Body><ns0:send xmlns:ns0="{SOAP_NS}"><login>{LOGIN}</login>'
            f"<psw>{PASSWORD}</psw><phones>{PHONE_PREFIX}{n % PHONES:07d}</phones>"
            f"<mes>Test message</mes><id>{n + 1}</id></ns0:send></soap-env:Body>"
            "</soap-env:Envelope>")


def phone(n: int) -> str:
    return f"{PHONE_PREFIX}{n % PHONES:07d}"


def query(n: int, fmt: int = 3) -> str:
    """The query of request number n: a new message, a unique id and a unique phone number."""
    return f"login={LOGIN}&psw={PASSWORD}&phones={phone(n)}&mes={TEXT}&fmt={fmt}&cost=3&id={n + 1}"


def status_query(n: int, prefill: int) -> str:
    """status.php request number n: the status of prefilled message n % prefill."""
    m = n % prefill
    return f"login={LOGIN}&psw={PASSWORD}&phone={phone(m)}&id={m // STATUS_BATCH + 1}&fmt=3"


def target_query(n: int) -> str:
    """TargetSMS sendsms.php request number n: a new message to its own number (so no two
    requests are equal and the once-a-minute duplicate rule never refuses one)."""
    return (f"user={LOGIN}&pwd={PASSWORD}&sadr={TARGET_SENDER}&dadr={phone(n)}"
            f"&text={TEXT}")
