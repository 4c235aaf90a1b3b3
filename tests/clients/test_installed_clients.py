"""Installable SMSC clients, unmodified, against the emulator over real loopback HTTP.

Seven clients in three languages, each in the versions pinned where it is installed:

- PyPI `smsc` 0.1.1 and `smsc-client` 0.0.1 (pyproject.toml's `clients` extra), and
  `django-fs-smsc` 0.1 in a venv of its own (tests/clients/installed.py says why);
- npm `node-smsc` 0.2.3 (tests/clients/node/package-lock.json);
- Debian's `php-symfony-smsc-notifier` and PHP's own SoapClient (`php-soap`), from .ci/run;
- zeep, the project's own SOAP test dependency, as a Python SOAP client.

Each goes through the calls it offers, in order: send; status once the emulator's clock has
moved 60 s (the test moves it, nobody sleeps); balance; cost; a wrong password. The only thing
changed in a client is its base URL, with its own option where it has one (each driver says
how). The asserts are on what the client itself returned. A bug of the client's own is an
xfail(strict=True) with its source line, and the emulator is left as the documents have it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zeep

from sms_mocks.testing.sandbox import ControlClient, MockAccount, Sandbox
from tests.clients.installed import (
    DRIVERS,
    Driver,
    django_fs_smsc_python,
    node_modules,
    php,
    python_package,
    symfony_smsc_notifier,
)
from tests.helpers.polling import eventually
from tests.helpers.ports import free_port
from tests.tls.resolving import serving

# real clients: php, node/npm and installed packages, each in a process of its own
pytestmark = [pytest.mark.slow, pytest.mark.external]

PHONE = "79991230101"  # no magic number: delivered on the default timings (1 s + 5 s)
TARIFF = "1.40"
WRONG = "wrong"
AUTHORISE_ERROR = {"error": "authorise error", "error_code": 2}  # SMSC's answer, fmt=3


@dataclass(frozen=True)
class Served:
    url: str  # plain HTTP
    https_url: str  # the same emulator over HTTPS, for the client that speaks nothing else
    ca: Path  # what signed the HTTPS listener's certificate


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`sms-mocks serve --clock virtual`, as tests/tls starts it, on two loopback ports: one
    plain HTTP, one HTTPS with a certificate from a CA of its own (docs/tls.md, "TLS and real
    hostnames"). One emulator behind both: one clock, one set of accounts."""
    tls_dir = tmp_path_factory.mktemp("tls")
    plain, secure = free_port(), free_port()
    with serving("--port", str(plain), "--tls-port", str(secure), "--tls-dir", str(tls_dir),
                 "--log-format", "off") as (_, ready):
        url, https_url = f"http://127.0.0.1:{plain}", f"https://127.0.0.1:{secure}"
        assert f"at {url}, {https_url} " in ready, ready
        yield Served(url, https_url, tls_dir / "ca.pem")


@pytest.fixture(scope="module")
def sms_mocks_server(served: Served) -> Iterator[ControlClient]:
    """The plugin's session emulator, replaced in this module by `served`, so that
    `sms_mocks` (fresh accounts, the clock) works here as in every other test."""
    client = ControlClient(served.url)
    yield client
    client.close()


@pytest.fixture
def account(sms_mocks: Sandbox) -> MockAccount:
    """A fresh SMSC account with known money, so every figure below is exact."""
    return sms_mocks.account("smsc", balance="1000.00", senders={"SMSC": "approved"},
                             tariff={"default": TARIFF})


def python_driver(script: str, *args: str, python: str | Path = sys.executable) -> Driver:
    return Driver([str(python), str(DRIVERS / script), *args])


def wait_for_callbacks(sms_mocks: Sandbox, url: str, statuses: set[str]) -> list[dict[str, Any]]:
    """The emulator's POSTs to `url` once every status in `statuses` has been answered:
    callbacks leave through a queue of their own, after `advance` has returned."""
    return eventually(
        lambda: [a for a in sms_mocks.control.call("GET", "/_mock/callbacks")["attempts"]
                 if a["url"] == url],
        lambda attempts: statuses <= {a["form"]["status"] for a in attempts
                                      if a["status"] is not None},
        what=f"callbacks of statuses {sorted(statuses)}")


# -- PyPI smsc 0.1.1 (Otetz/smsc) -------------------------------------------------------------

@pytest.fixture(scope="module")
def pypi_smsc() -> None:
    python_package("smsc", "0.1.1")


def test_pypi_smsc(pypi_smsc: None, sms_mocks: Sandbox, account: MockAccount) -> None:
    with python_driver("py_smsc.py", sms_mocks.url, account.login) as smsc:
        assert smsc.ready["version"] == "0.1.1"
        psw = account.password

        sent = smsc.value("send", password=psw, phone=PHONE, text="Hello from PyPI smsc")
        assert sent == {"id": 1, "count": 1, "cost": 1.4, "error": None}

        sms_mocks.advance(60)
        [status] = smsc.value("status", password=psw, phone=PHONE, id=str(sent["id"]))
        assert {k: status[k] for k in ("status", "name", "id", "phone", "err", "error")} == {
            "status": 1, "name": "Доставлено", "id": 1, "phone": PHONE, "err": 0,
            "error": None}
        assert status["last_date"].endswith("+03:00")  # parsed as Moscow time, as it is sent

        assert smsc.value("balance", password=psw) == {
            "balance": 998.6, "credit": 0.0, "currency": "RUR", "error": None}
        assert smsc.value("cost", password=psw, phone=PHONE, text="How much is this?") == {
            "count": 1, "cost": 1.4, "error": None}

        wrong = smsc.value("send", password=WRONG, phone=PHONE, text="wrong password")
        assert wrong == {"id": None, "count": 0, "cost": 0.0, "error": [2, "authorise error"]}
    assert len(sms_mocks.messages()) == 1


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C1, PyPI smsc 0.1.1: Status.__init__ deletes status_name unconditionally "
    "(smsc/responses.py:39-40 `for name in ['status', 'status_name']: del obj[name]`), and "
    "SMSC's row for an id it does not know is {status: -3, id, phone} with no status_name "
    "(docs/research-smsc-http.md §1.2 quotes a live answer of that shape): KeyError"))
def test_pypi_smsc_reads_an_unknown_id_as_status_minus_3(pypi_smsc: None, sms_mocks: Sandbox,
                                                        account: MockAccount) -> None:
    with python_driver("py_smsc.py", sms_mocks.url, account.login) as smsc:
        [status] = smsc.value("status", password=account.password, phone=PHONE, id="404")
        assert status["status"] == -3


# -- PyPI smsc-client 0.0.1 --------------------------------------------------------------------

SMSC_CLIENT_ID = "0b5f6a3e-0000-4000-8000-000000000102"  # send() takes the caller's id (a UUID)


@pytest.fixture(scope="module")
def pypi_smsc_client() -> None:
    python_package("smsc-client", "0.0.1")


def test_pypi_smsc_client(pypi_smsc_client: None, sms_mocks: Sandbox,
                          account: MockAccount) -> None:
    with python_driver("py_smsc_client.py", sms_mocks.url, account.login) as client:
        assert client.ready["version"] == "0.0.1"
        sent = client.value("send", password=account.password, phone=PHONE,
                            text="Hello from smsc-client", id=SMSC_CLIENT_ID)
        assert sent == {"OK": "1 SMS", "ID": SMSC_CLIENT_ID}
        sms_mocks.advance(60)
        # status, balance and cost: not offered. Wrong password: its own bug, C2 below.
    [message] = sms_mocks.messages()
    assert message["status"] == "delivered"


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C2, PyPI smsc-client 0.0.1: every answer is split on ' - ' into key and value "
    "(smsc_client/methods/default.py:15 `key, value = splited_str.split(key_to_split)`), so "
    "SMSC's error answer 'ERROR = 2 (authorise error)' raises ValueError, not an API error"))
def test_pypi_smsc_client_reports_a_wrong_password(pypi_smsc_client: None, sms_mocks: Sandbox,
                                                  account: MockAccount) -> None:
    with python_driver("py_smsc_client.py", sms_mocks.url, account.login) as client:
        raised = client.raised("send", password=WRONG, phone=PHONE, text="wrong password",
                               id="7")
        assert raised["type"] != "ValueError", raised
        assert "authorise error" in raised["message"]


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C3, PyPI smsc-client 0.0.1: it sends no charset (smsc_client/methods/default.py:31-39 "
    "and api/api.py:72 send phones, mes, id, sender, time, login, psw), and SMSC reads a "
    "text without charset= as windows-1251 (FACTS B.1): UTF-8 Cyrillic arrives garbled"))
def test_pypi_smsc_client_sends_cyrillic_intact(pypi_smsc_client: None, sms_mocks: Sandbox,
                                               account: MockAccount) -> None:
    with python_driver("py_smsc_client.py", sms_mocks.url, account.login) as client:
        client.value("send", password=account.password, phone=PHONE, text="Привет, мир",
                     id="8")
    [message] = sms_mocks.messages()
    assert message["text"] == "Привет, мир"


# -- PyPI django-fs-smsc 0.1 (its own venv) --------------------------------------------------

def django_driver(sms_mocks: Sandbox, account: MockAccount, password: str,
                  *flags: str) -> Driver:
    return python_driver("py_django_fs_smsc.py", sms_mocks.url, account.login, password,
                         *flags, python=django_fs_smsc_python())


def test_pypi_django_fs_smsc(sms_mocks: Sandbox, account: MockAccount) -> None:
    with django_driver(sms_mocks, account, account.password) as app:
        assert app.ready["version"] == "0.1"
        # its status is the callback view (smsc/views.py): the account posts there
        sms_mocks.update(account, callback_url=app.ready["callback_url"])

        sent = app.value("send", phone=PHONE, text="Hello from django-fs-smsc")
        # send_sms() returns nothing; its Message row's id went to SMSC as id=
        assert sent == {"returned": None, "message": {
            "id": 1, "phone": PHONE, "text": "Hello from django-fs-smsc", "status": None}}
        [message] = sms_mocks.messages()
        assert (message["ext_id"], message["text"]) == ("1", "Hello from django-fs-smsc")

        sms_mocks.advance(60)
        attempts = wait_for_callbacks(sms_mocks, app.ready["callback_url"], {"0", "1"})
        assert [(a["form"]["status"], a["status"]) for a in attempts] == [("0", 200),
                                                                        ("1", 200)]
        assert app.value("status", id=1) == "Доставлено (Нет ошибки)"
        # balance and cost: not offered

    # a wrong password is a setting too, so it is another process of the app
    with django_driver(sms_mocks, account, WRONG) as wrong:
        raised = wrong.raised("send", phone=PHONE, text="wrong password")
        assert raised["type"] == "SMSCException"
        assert raised["args"] == [repr(AUTHORISE_ERROR)]


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C4, PyPI django-fs-smsc 0.1: smsc/api.py:14 `md5(_settings.PASSWORD)` takes bytes on "
    "Python 3, so SMSC_PASSWORD = '...' as a settings file has it raises TypeError (its "
    "urls.py:3 imports `patterns`, gone in Django 1.10, and models.py:4 `ugettext`, gone in 4.0)"))
def test_pypi_django_fs_smsc_takes_a_str_password(sms_mocks: Sandbox,
                                                 account: MockAccount) -> None:
    with django_driver(sms_mocks, account, account.password, "--str-password") as app:
        sent = app.value("send", phone=PHONE, text="str password")
        assert sent["message"]["id"] == 1


# -- npm node-smsc 0.2.3 -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def node() -> tuple[str, Path]:
    return node_modules()


def node_driver(node: tuple[str, Path], sms_mocks: Sandbox, account: MockAccount) -> Driver:
    executable, modules = node
    return Driver([executable, str(DRIVERS / "node_smsc.js"), sms_mocks.url, account.login],
                  env={"NODE_PATH": str(modules)})


def test_npm_node_smsc(node: tuple[str, Path], sms_mocks: Sandbox,
                       account: MockAccount) -> None:
    with node_driver(node, sms_mocks, account) as smsc:
        assert smsc.ready["version"] == "0.2.3"
        psw = account.password

        sent = smsc.value("send", password=psw, phone=PHONE, text="Hello from node-smsc")
        assert sent == {"id": 1, "cnt": 1}

        sms_mocks.advance(60)
        status = smsc.value("status", password=psw, phone=PHONE, id=sent["id"])
        assert {k: status[k] for k in ("status", "err")} == {"status": 1, "err": 0}
        assert status["last_timestamp"] > 0
        assert smsc.value("balance", password=psw) == {"balance": "998.60"}
        assert smsc.value("cost", password=psw, phone=PHONE, text="How much is this?") == {
            "cost": "1.40", "cnt": 1}

        raised = smsc.raised("send", password=WRONG, phone=PHONE, text="wrong password")
        assert raised == {"type": "SmscApiError", "message": "authorise error (2)",
                          "response": AUTHORISE_ERROR}


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C5, npm node-smsc 0.2.3: called as balance(query, cb), the wrapper sets options.path on "
    "the callback (lib/api/balance.js:10), then api_call.js:57-59 takes the function as the "
    "callback and starts over with options = {}: the request goes to /sys/ itself, whose "
    "'Not Found' fails JSON.parse"))
def test_npm_node_smsc_balance_with_a_callback(node: tuple[str, Path], sms_mocks: Sandbox,
                                               account: MockAccount) -> None:
    with node_driver(node, sms_mocks, account) as smsc:
        assert smsc.value("balance_callback", password=account.password) == {
            "balance": "1000.00"}


# -- Debian php-symfony-smsc-notifier (HTTPS) ----------------------------------------------

@pytest.fixture(scope="module")
def symfony() -> str:
    return symfony_smsc_notifier()


def symfony_driver(php: str, served: Served, account: MockAccount) -> Driver:
    return Driver([php, str(DRIVERS / "php_symfony_smsc.php"), served.https_url,
                   str(served.ca), account.login])


def test_debian_symfony_smsc_notifier(symfony: str, served: Served, sms_mocks: Sandbox,
                                      account: MockAccount) -> None:
    with symfony_driver(symfony, served, account) as notifier:
        assert notifier.ready["version"].startswith("5.4.")
        sent = notifier.value("send", password=account.password, phone=PHONE,
                              text="Hello from symfony/smsc-notifier")
        host = served.https_url.removeprefix("https://")
        assert sent == {"message_id": "1", "transport": f"smsc://{host}?from=SMSC"}

        sms_mocks.advance(60)
        # status, balance and cost: not offered; the emulator has it delivered
        [message] = sms_mocks.messages()
        assert (message["phone"], message["status"]) == (PHONE, "delivered")

        raised = notifier.raised("send", password=WRONG, phone=PHONE, text="wrong password")
        assert raised == {"type": "Symfony\\Component\\Notifier\\Exception\\TransportException",
                          "message": 'Unable to send the SMS: code = 2, message = '
                                     '"authorise error".'}


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "C6, Debian php-symfony-smsc-notifier 5.4: the factory keeps the DSN's host and drops its "
    "port (SmscTransportFactory.php:40 `->setHost($host)`, no setPort($dsn->getPort())), so "
    "smsc://login:psw@host:port goes to https://host/ on 443"))
def test_debian_symfony_smsc_notifier_dsn_keeps_the_port(symfony: str, served: Served,
                                                        account: MockAccount) -> None:
    with symfony_driver(symfony, served, account) as notifier:
        host = served.https_url.removeprefix("https://")
        assert notifier.value("transport_from_dsn", password=account.password) == \
            f"smsc://{host}?from=SMSC"


# -- PHP's SoapClient (php-soap) on the SOAP API -------------------------------------------

def test_php_soapclient(sms_mocks: Sandbox, account: MockAccount) -> None:
    executable = php("soap")
    with Driver([executable, str(DRIVERS / "php_soapclient.php"), sms_mocks.url,
                 account.login]) as soap:
        assert soap.ready["version"]
        psw = account.password

        sent = soap.value("send", password=psw, phone=PHONE, text="Hello from SoapClient")
        assert sent == {"id": "1", "balance": "998.60", "cost": "1.40", "cnt": "1"}

        sms_mocks.advance(60)
        status = soap.value("status", password=psw, phone=PHONE, id=sent["id"])
        assert {k: status[k] for k in ("status", "err")} == {"status": "1", "err": "0"}
        assert soap.value("balance", password=psw) == {"balance": "998.60", "error": "0"}
        assert soap.value("cost", password=psw, phone=PHONE, text="How much is this?") == {
            "cost": "1.40", "cnt": "1"}

        assert soap.value("send", password=WRONG, phone=PHONE, text="wrong password") == {
            "error": "2"}


# -- zeep, a Python SOAP client ------------------------------------------------------------

def test_zeep(sms_mocks: Sandbox, account: MockAccount) -> None:
    # The base URL: the WSDL's own URL; the served WSDL names this address as the location.
    soap = zeep.Client(f"{sms_mocks.url}/sys/soap.php?wsdl").service
    auth = {"login": account.login, "psw": account.password}

    sent = soap.send_sms(**auth, phones=PHONE, mes="Hello from zeep", id="", sender="SMSC",
                         time="0")
    assert (sent.id, sent.cnt, sent.cost, sent.balance, sent.error) == (
        "1", "1", "1.40", "998.60", None)

    sms_mocks.advance(60)
    status = soap.get_status(**auth, phone=PHONE, id=sent.id)
    assert (status.status, status.err, status.error) == ("1", "0", None)
    balance = soap.get_balance(**auth)
    assert (balance.balance, balance.error) == ("998.60", "0")
    cost = soap.get_sms_cost(**auth, phones=PHONE, mes="How much is this?")
    assert (cost.cost, cost.cnt, cost.error) == ("1.40", "1", None)

    wrong = soap.send_sms(login=account.login, psw=WRONG, phones=PHONE, mes="wrong password",
                          id="", sender="SMSC", time="0")
    assert (wrong.id, wrong.error) == (None, "2")
