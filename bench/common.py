"""What the benchmark's pieces share: the bench account and the one request they all send."""

from __future__ import annotations

from typing import Any

from mocks.config import Settings

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


def settings() -> Settings:
    """The emulator's default settings (real clock, speed 1, default limits) plus the bench
    accounts, one per provider measured."""
    base = Settings(freeze_gc=True)  # as `sms-mocks serve` runs
    base.accounts += [dict(BENCH_ACCOUNT), dict(PAGER_ACCOUNT)]
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


def query(n: int) -> str:
    """The query of request number n: a new message, a unique id and a unique phone number."""
    return (f"login={LOGIN}&psw={PASSWORD}&phones={PHONE_PREFIX}{n % PHONES:07d}"
            f"&mes={TEXT}&fmt=3&cost=3&id={n + 1}")
