"""sendsms.php, the JSON API and the XML gate are one TargetSMS: the same accounts, messages,
money and clock, so an id any of them answers reads the same through the other two."""

from __future__ import annotations

from pathlib import Path

import httpx
import phpserialize
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client
from tests.providers.targetsms.client import Target
from tests.providers.targetsms.gate import PHONE, JsonGate, XmlGate

SENDERS = {"Shop": "approved"}


@pytest.fixture
def apis(sms_mocks: Sandbox, http: httpx.Client) -> tuple[Target, JsonGate, XmlGate]:
    # sendsms.php allows one identical request a minute; polling the same id is what this does
    account = sms_mocks.account("targetsms", balance="100", senders=SENDERS,
                                limits={"targetsms.duplicate": False})
    return Target(http, account), JsonGate(http, account), XmlGate(http, account)


def _statuses(apis: tuple[Target, JsonGate, XmlGate], sms_id: str) -> list[str]:
    target, gate, xml = apis
    [json_row] = gate.state(int(sms_id))
    [xml_row] = xml.state(sms_id)
    detail = phpserialize.loads(target(smsid=sms_id, detail=1).encode(), decode_strings=True)
    return [target(smsid=sms_id), json_row["state"], str(xml_row.text), detail["state_sms"]]


@pytest.mark.parametrize("via", ["sendsms.php", "json", "xml"])
def test_a_message_reads_the_same_through_all_three(apis: tuple[Target, JsonGate, XmlGate],
                                                    sms_mocks: Sandbox, via: str) -> None:
    target, gate, xml = apis
    if via == "sendsms.php":
        sms_id = target.send(sadr="Shop")
    elif via == "json":
        sms_id = gate.send_one()["id_sms"]
    else:
        sms_id = str(xml.send_one().get("id_sms"))
    assert _statuses(apis, sms_id) == ["send"] * 4
    sms_mocks.advance(6)
    assert _statuses(apis, sms_id) == ["deliver"] * 4
    [message] = sms_mocks.messages(provider="targetsms")
    assert (str(message["id"]), message["provider"], message["status"]) == (
        sms_id, "targetsms", "delivered")


def test_one_balance_for_the_three(apis: tuple[Target, JsonGate, XmlGate]) -> None:
    target, gate, xml = apis
    target.send(sadr="Shop")
    gate.send_one()
    xml.send_one()
    money = gate("balance")["money"]
    assert money == {"currency": "RUR", "value": "95.8"}  # 100 - 3 × 1.40
    assert target(balance=1) == "95.8 RUR"
    assert xml.balance()[0].text == "95.8"


def test_an_outcome_waiting_for_reads_counts_every_apis_reads(
        apis: tuple[Target, JsonGate, XmlGate]) -> None:
    # 3003: delivered on the third status read, whichever API reads it
    target, gate, xml = apis
    sms_id = gate.send_one(phone="79000003003")["id_sms"]
    assert target(smsid=sms_id) == "send"
    assert xml.state(sms_id)[0].text == "send"
    assert gate.state(sms_id)[0]["state"] == "deliver"


def test_the_inbox_shows_them_as_targetsms(apis: tuple[Target, JsonGate, XmlGate],
                                           sms_mocks: Sandbox) -> None:
    _, gate, xml = apis
    gate.send_one(text="через JSON")
    xml.send_one(text="через XML")
    shown = sms_mocks.control.call("GET", "/_mock/messages?provider=targetsms&phone=" + PHONE)
    texts = {m["text"] for m in shown["messages"] if m["account"] == gate.account.login}
    assert texts == {"через JSON", "через XML"}


def test_a_fault_rules_error_is_each_apis_own_answer(apis: tuple[Target, JsonGate, XmlGate],
                                                     sms_mocks: Sandbox) -> None:
    # the text a rule names goes where each API puts it: a send's abonents are refused with
    # it; any other request, and the duplicate rule's whole-request text, get the error form
    target, gate, xml = apis
    for endpoint in ("/sendsmsjson.php", "/xml/", "/xml/balance.php"):
        sms_mocks.fault(endpoint=endpoint, action="error", code="no_sender", times=1)
    sms_mocks.fault(endpoint="/sendsmsjson.php", action="error", code="duplicate", times=1)
    assert gate.send({"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": 1}, {"phone": PHONE, "number_sms": "2"}]}) == [
        {"number_sms": "1", "action": "Нет отправителя."},
        {"number_sms": "2", "action": "Нет отправителя."}]
    assert [(r.get("number_sms"), r.text) for r in xml.send(
        '<message><abonent phone="79161234567" number_sms="5"/></message>')] == [
        ("5", "Нет отправителя.")]
    assert [(r.tag, r.text) for r in xml.balance()] == [("error", "Нет отправителя.")]
    assert gate("balance") == {
        "error": "error: Попытка отправки более одного одинакового запроса в течение минуты"}
    assert sms_mocks.messages() == []
    assert target(balance=1) == "100 RUR"


@pytest.mark.slow
def test_client_id_sms_holds_across_a_restart_with_a_data_dir(tmp_path: Path) -> None:
    body = {"security": {"login": "demo", "password": "demo"}, "type": "sms", "message": [
        {"sender": "TargetSMS", "text": "x", "abonent": [{"phone": PHONE, "client_id_sms": 7}]}]}
    answers = []
    for _ in range(2):
        with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
                http_client(server.url) as http:
            answers.append(http.post("/sendsmsjson.php", json=body).json()["sms"][0])
            count = len(http.get("/_mock/messages").json()["messages"])
    assert answers[0] == answers[1] and answers[0]["action"] == "send"
    assert count == 1
