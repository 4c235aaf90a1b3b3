"""The goldens of fixtures/golden/targetsms/json.toml and xml.toml (targetsms-json-xml.md) run
against the documents' emulator over loopback: each request as printed (its placeholders
filled in as the golden lists), each whole answer matched against the document's template.

tests/golden/test_goldens.py checks that these entries are the document's text (their answer
templates, line by line); this module also checks each printed request is there, and that
every example-looking line of the document has a golden or a reason not to (as that module
does for the four provider documents)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import httpx
import pytest

from sms_mocks.testing.sandbox import ControlClient
from tests.golden.goldens import (
    GOLDEN_DIR,
    SPECS,
    Entry,
    document_lines,
    entries,
    template_pattern,
    uncovered,
)
from tests.specs import require

DOCUMENT = "targetsms-json-xml.md"
FILES = ("targetsms/json.toml", "targetsms/xml.toml")
JSON = entries(GOLDEN_DIR / FILES[0])
XML = entries(GOLDEN_DIR / FILES[1])
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def _request(golden: dict[str, Any], ids: list[str]) -> str:
    if "doc_request" in golden:
        body = golden["doc_request"]
        for placeholder, value in golden.get("replacements", {}).items():
            assert placeholder in body, placeholder
            body = body.replace(placeholder, value)
    else:
        body = golden["body"]
    for number, sms_id in enumerate(ids, start=1):
        body = body.replace(f"{{id{number}}}", sms_id)
    return str(body)


def _prepare(doc_server: ControlClient, http: httpx.Client, golden: dict[str, Any],
             path: str) -> list[str]:
    """The account's fields, the setup sends (their ids), the clock."""
    if "account" in golden:
        doc_server.put_account(provider="targetsms", login="demo", password="demo",
                               **golden["account"])
    ids: list[str] = []
    for body in golden.get("setup", []):
        answer = http.post(path, content=body.encode()).text
        ids += re.findall(r'id_sms"?[:=]"(\d+)"', answer)
    if "advance" in golden:
        doc_server.advance(golden["advance"])
    return ids


@pytest.mark.parametrize("entry", JSON, ids=[e.key for e in JSON])
def test_json_answer_is_the_documents(doc_http: httpx.Client, doc_server: ControlClient,
                                      entry: Entry) -> None:
    golden = dict(entry.data)
    ids = _prepare(doc_server, doc_http, golden, "/sendsmsjson.php")
    response = doc_http.post("/sendsmsjson.php", content=_request(golden, ids).encode(),
                             headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.content.decode("utf-8")
    pattern = template_pattern(golden["answer"], "json", golden.get("values", {}),
                               golden.get("typos"))
    assert pattern.fullmatch(body), (body, golden["answer"])


def _joined(text: str) -> str:
    return "".join(line.strip() for line in text.strip("\n").split("\n"))


@pytest.mark.parametrize("entry", XML, ids=[e.key for e in XML])
def test_xml_answer_is_the_documents(doc_http: httpx.Client, doc_server: ControlClient,
                                     entry: Entry) -> None:
    golden = dict(entry.data)
    ids = _prepare(doc_server, doc_http, golden, "/xml/")
    response = doc_http.post(golden["path"], content=_request(golden, ids).encode(),
                             headers={"Content-Type": "text/xml; charset=utf-8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith(DECLARATION) and body.endswith("\n"), body
    pattern = template_pattern(_joined(golden["answer"]), "xml", golden.get("xml_values", {}))
    assert pattern.fullmatch(_joined(body[len(DECLARATION):])), (body, golden["answer"])


@pytest.mark.parametrize("entry", [*JSON, *XML], ids=[e.key for e in (*JSON, *XML)])
def test_the_printed_request_is_the_documents(entry: Entry) -> None:
    require()
    golden = entry.data
    assert entry.document == DOCUMENT
    if "doc_request" not in golden:
        assert "body" in golden, "a golden sends the printed request, or a body of its own"
        return
    first, last = golden["lines"]
    printed = "\n".join(document_lines(DOCUMENT)[first - 1:last])
    assert golden["doc_request"].strip("\n") in printed


def test_every_example_of_the_document_has_a_golden() -> None:
    require()
    ranges = [r for e in (*JSON, *XML) for r in e.ranges]
    for name in FILES:
        data = tomllib.loads((GOLDEN_DIR / name).read_text("utf-8"))
        for item in data.get("not_example", []):
            assert item["reason"].strip()
            ranges.append(tuple(item["lines"]))
    text = (SPECS / DOCUMENT).read_text("utf-8")
    missing = uncovered(text, ranges)
    assert not missing, "\n".join(f"{DOCUMENT}:{n} ({kind}): {text.splitlines()[n - 1]}"
                                  for n, kind in sorted(missing.items()))
