"""Every XML example of 000 (SMS-Pager) runs verbatim as test/123456 and gets, field by field,
the answer the document describes; and the answers have the documented shape on the wire."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sms_mocks.testing.sandbox import ControlClient
from tests.providers.smspager.client import Answer, Pager, golden_examples, parse_answer

SPEC = Path(__file__).parents[4] / "shared" / "specs" / "000_5f3f23c2969425b3.txt"
EXAMPLES = golden_examples()
BY_KEY = {e["key"]: e for e in EXAMPLES}


def _post(doc_pager: Pager, example: dict[str, Any]) -> Answer:
    response = doc_pager.post(example["path"], example["xml"].encode("utf-8"),
                              headers={"content-type": "text/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=UTF-8"
    return parse_answer(response.content)


def _system_smsid(answer: Answer, control: ControlClient) -> str:
    """The smsid a send without one was given: the id its messages are stored under."""
    smsid = dict(answer)["smsid"]
    assert re.fullmatch(r"[1-9]\d*", smsid), answer
    stored = {m["ext_id"] for m in control.messages(provider="smspager", account="test")
              if m["status"] != "rejected"}
    assert smsid in stored
    return smsid


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["key"] for e in EXAMPLES])
def test_document_example_gets_the_documented_answer(doc_pager: Pager, server_2010: ControlClient,
                                                     example: dict[str, Any]) -> None:
    answered: dict[str, str] = {}
    for key in example.get("after", []):
        earlier = _post(doc_pager, BY_KEY[key])
        assert earlier[0] == ("code", "1"), earlier
        answered[key] = dict(earlier)["smsid"]
    answer = _post(doc_pager, example)
    expected = []
    for path, text in example["expected"]:
        if text == "{system}":
            text = _system_smsid(answer, server_2010)
        elif text.startswith("{smsid:"):
            text = answered[text[len("{smsid:"):-1]]
        expected.append((path, text))
    assert answer == expected


def test_the_system_smsids_of_two_sends_are_distinct(doc_pager: Pager,
                                                     server_2010: ControlClient) -> None:
    first = _system_smsid(_post(doc_pager, BY_KEY["zadacha_1"]), server_2010)
    second = _system_smsid(_post(doc_pager, BY_KEY["zadacha_2"]), server_2010)
    assert int(second) == int(first) + 1


def test_an_example_stores_what_it_asks_for(doc_pager: Pager, server_2010: ControlClient) -> None:
    _post(doc_pager, BY_KEY["zadacha_1"])
    stored = server_2010.messages(provider="smspager", account="test")
    assert [(m["phone"], m["sender"], m["text"], m["status"], m["cost"]) for m in stored] == [
        (phone, "Magazin", "Добрый день, приглашаем Вас в наш салон", "queued", "1.40")
        for phone in ("79019011234", "79029021234", "79039031234")]


def test_answer_bytes_have_the_documented_layout(doc_pager: Pager) -> None:
    response = doc_pager.post("/balance.xml", BY_KEY["balance"]["xml"].encode("utf-8"))
    assert response.headers["content-type"] == "text/xml; charset=UTF-8"
    assert response.content == (
        "<?xml version='1.0' encoding='UTF-8'?>\n<data>\n<code>1</code>\n"
        "<descr>Успешно завершенная операция</descr>\n<account>1000</account>\n</data>\n"
    ).encode()


def test_golden_file_is_the_document_verbatim() -> None:
    """Each example is the document's lines, with only the listed placeholders filled in."""
    if not SPEC.exists():
        pytest.skip("the provider documents are not beside this checkout")
    lines = SPEC.read_text("utf-8").splitlines()
    for example in EXAMPLES:
        first, last = example["lines"]
        text = "\n".join(lines[first - 1:last])
        for placeholder, value in example.get("replacements", {}).items():
            assert placeholder in text, (example["key"], placeholder)
            text = text.replace(placeholder, value)
        assert example["xml"] == text, example["key"]


def test_every_worked_example_and_template_is_covered() -> None:
    if not SPEC.exists():
        pytest.skip("the provider documents are not beside this checkout")
    lines = SPEC.read_text("utf-8").splitlines()
    # Every request of the document opens with the declaration followed by <data> and a
    # <login>; answers open the same way but with <code>.
    requests = {i + 1 for i, line in enumerate(lines)
                if line.startswith("<?xml") and any("<login>" in later
                                                    for later in lines[i + 1:i + 6])}
    assert requests == {e["lines"][0] for e in EXAMPLES}
