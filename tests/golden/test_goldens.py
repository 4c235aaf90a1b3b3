"""Every golden of fixtures/golden/ runs against a real emulator over loopback and gets the
answer its document shows: the bytes where the document prints bytes, with the placeholders
each golden declares; and every example of the four documents has a golden.

The two older golden files keep their own runners (tests/providers/smsc/test_doc_examples.py,
tests/providers/smspager/test_doc_examples.py); this module checks that their entries, too,
are the documents' text and counts them towards the inventory.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import phpserialize
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient
from tests.golden.goldens import (
    GOLDEN_DIR,
    SPECS,
    Entry,
    all_entries,
    document_lines,
    entries,
    example_lines,
    in_document,
    not_examples,
    template_pattern,
    uncovered,
)
from tests.helpers.clients import http_client
from tests.providers.smsc.soap import canonical, golden_wsdl

DOCUMENTS = ("000_5f3f23c2969425b3.txt", "001_2f04aa68ec44a088.txt",
             "002_8241e0b334068ee8.txt", "003_15f31480a758852c.txt")
# Skipped without the documents on a developer's machine; in CI they must be there.
needs_specs = pytest.mark.skipif(not SPECS.is_dir() and not os.environ.get("CI"),
                                 reason="the provider documents are not beside this checkout")


def _file_tables(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text("utf-8"))


def _goldens(name: str) -> list[Entry]:
    return entries(GOLDEN_DIR / name)


SMSC = _goldens("smsc/answers.toml")
SMSC_TABLES = _file_tables(GOLDEN_DIR / "smsc" / "answers.toml")
PHP = _goldens("smsc/php_examples.toml")
PHP_TABLES = _file_tables(GOLDEN_DIR / "smsc" / "php_examples.toml")
SOAP = _goldens("smsc-soap/examples.toml")
SOAP_TABLES = _file_tables(GOLDEN_DIR / "smsc-soap" / "examples.toml")
TARGET = _goldens("targetsms/examples.toml")
TARGET_TABLES = _file_tables(GOLDEN_DIR / "targetsms" / "examples.toml")
PAGER = _goldens("smspager/answers.toml")
PAGER_TABLES = _file_tables(GOLDEN_DIR / "smspager" / "answers.toml")
PAGER_EXAMPLES = {e.key: e.data for e in _goldens("smspager/examples.toml")}
PHP_STANDIN = Path(__file__).parent / "php"
# 000's dates are in 2010: its emulator's clock starts before them (as examples.toml's runner).
START_2010 = datetime(2010, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=3))).timestamp()


def _values(tables: Mapping[str, Any], golden: Mapping[str, Any], form: str) -> dict[str, str]:
    name = "xml_values" if form == "xml" else "values"
    return {**tables.get(name, {}), **golden.get(name, {})}


def matches(body: str, golden: Mapping[str, Any], tables: Mapping[str, Any]) -> bool:
    form = str(golden.get("format", "text"))
    pattern = template_pattern(golden["answer"], form, _values(tables, golden, form),
                               golden.get("typos"))
    return pattern.fullmatch(body) is not None


@functools.cache
def _php_with_soap() -> str | None:
    php = shutil.which("php")
    if php is None or "soap" not in subprocess.run([php, "-m"], capture_output=True, text=True,
                                                   timeout=30).stdout.split():
        return None
    return php


def _php() -> str:
    php = _php_with_soap()
    if php is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have php-cli and php-soap (.ci/run installs them)")
        pytest.skip("php with the soap extension is not installed")
    return php


def _run_php(code: str, env: Mapping[str, str] | None = None) -> str:
    result = subprocess.run([_php(), "-d", f"include_path={PHP_STANDIN}"], input=code,
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --- SMSC HTTP (002) ------------------------------------------------------------------------

def _text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.content.decode(response.charset_encoding or "cp1251")


def _first_number(text: str) -> str:
    found = re.search(r"\d+", text)
    assert found, text
    return found.group()


@pytest.mark.parametrize("entry", SMSC, ids=[e.key for e in SMSC])
def test_smsc_answer_is_the_documents(doc_http: httpx.Client, doc_server: ControlClient,
                                      entry: Entry) -> None:
    golden = entry.data
    if "account" in golden:
        doc_server.put_account(provider="smsc", login="alex", password="123",
                               **golden["account"])
    last = ""
    for query in golden.get("setup", []):
        last = _text(doc_http.get(f"{golden['path']}?{query}"))
    if "json" in golden:
        response = doc_http.post(golden["path"], json=golden["json"])
    else:
        query = golden["query"].replace("{id}", _first_number(last) if last else "{id}")
        response = doc_http.get(f"{golden['path']}?{query}")
    body = _text(response)
    assert matches(body, golden, SMSC_TABLES), (body, golden["answer"])


# --- SMSC's PHP examples (002) -------------------------------------------------------------

@pytest.mark.external
@pytest.mark.parametrize("entry", PHP, ids=[e.key for e in PHP])
def test_smsc_php_example_runs(doc_http: httpx.Client, doc_server: ControlClient,
                               entry: Entry, tmp_path: Path) -> None:
    golden = entry.data
    for name in ("1.jpg", "2.jpg", "1.mp3", "2.wav"):  # stand-ins for the /home/alex/ files
        (tmp_path / name).write_bytes(name.encode() * 64)
    code = golden["code"]
    for printed, meant in golden.get("php_replacements", {}).items():
        assert printed in code, printed
        code = code.replace(printed, meant.format(url=doc_server.url, files=tmp_path))
    if "epilogue" in golden:
        code += "\n<?php " + golden["epilogue"]
    output = _run_php(code, {"SMSC_URL": doc_server.url})
    assert matches(output, golden, PHP_TABLES), (output, golden["answer"])


# --- SMSC SOAP (003) --------------------------------------------------------------------------

SOAP_CALLS = [e for e in SOAP if "code" in e.data]


@pytest.mark.external
@pytest.mark.parametrize("entry", SOAP_CALLS, ids=[e.key for e in SOAP_CALLS])
def test_soap_example_runs_in_phps_soapclient(doc_http: httpx.Client, doc_server: ControlClient,
                                             entry: Entry) -> None:
    golden = entry.data
    for query in golden.get("setup", []):
        _text(doc_http.get(f"/sys/send.php?{query}"))
    printed = "https://smsc.ua/sys/soap.php?wsdl"
    assert printed in golden["code"]
    code = golden["code"].replace(printed, f"{doc_server.url}/sys/soap.php?wsdl")
    output = _run_php("<?php\nini_set('soap.wsdl_cache_enabled', '0');\n" + code
                      + "\necho json_encode($ret, JSON_UNESCAPED_UNICODE);\n")
    assert matches(output, golden, SOAP_TABLES), (output, golden["answer"])
    if SPECS.is_dir():  # every field PHP read is one the document's table names
        lines = document_lines(entry.document)
        table = "\n".join("\n".join(lines[a - 1:b]) for a, b in golden["returns_lines"])
        [(_, fields)] = json.loads(output).items()
        for name in set(fields) - set(golden.get("extra_fields", [])):
            assert re.search(rf"\b{name}\b", table), name


def test_soap_wsdl_address_serves_the_real_wsdl(doc_http: httpx.Client,
                                               doc_server: ControlClient) -> None:
    assert any(e.key == "wsdl" for e in SOAP)
    response = doc_http.get("/sys/soap.php?wsdl")
    assert response.status_code == 200
    address = f"{doc_server.url}/sys/soap.php"
    assert canonical(response.content) == canonical(golden_wsdl(address))


# --- TargetSMS (001) --------------------------------------------------------------------------

def _print_r(body: str) -> str:
    """An unserialized answer laid out as the document prints print_r's output."""
    array = phpserialize.loads(body.encode("utf-8"), decode_strings=True)
    assert isinstance(array, dict), body
    return "Array (\n" + "".join(f"[{k}] => {v}\n" for k, v in array.items()) + ")"


@pytest.mark.parametrize("entry", TARGET, ids=[e.key for e in TARGET])
def test_targetsms_answer_is_the_documents(doc_http: httpx.Client, doc_server: ControlClient,
                                          entry: Entry) -> None:
    golden = entry.data
    if "account" in golden:
        doc_server.put_account(provider="targetsms", login="demo", password="demo",
                               **golden["account"])
    sent = ""
    for query in golden.get("setup", []):
        answer = _text(doc_http.get("/sendsms.php?" + query.replace("{id}", sent)))
        sent = sent or _first_number(answer)
    if "account_after_setup" in golden:
        doc_server.put_account(provider="targetsms", login="demo", password="demo",
                               **golden["account_after_setup"])
    if "advance" in golden:
        doc_server.advance(golden["advance"])
    response = doc_http.get("/sendsms.php?" + golden["query"].replace("{id}", sent))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    body = response.content.decode("utf-8")
    if golden.get("format") == "print_r":
        body = _print_r(body)
        golden = {**golden, "format": "text"}
    assert matches(body, golden, TARGET_TABLES), (body, golden["answer"])


# --- SMS-Pager (000) ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pager_server() -> Iterator[ControlClient]:
    with ServerThread(load(clock="virtual", clock_start=START_2010)) as server:
        control = ControlClient(server.url)
        yield control
        control.close()


def _pager_post(http: httpx.Client, path: str, xml: str) -> str:
    response = http.post(path, content=xml.encode("utf-8"), headers={"content-type": "text/xml"})
    assert response.status_code == 200
    return response.content.decode("utf-8")


@pytest.mark.parametrize("entry", PAGER, ids=[e.key for e in PAGER])
def test_smspager_answer_is_the_documents(pager_server: ControlClient, entry: Entry) -> None:
    golden = entry.data
    pager_server.call("POST", "/_mock/reset")
    for rule in golden.get("outcomes", []):
        pager_server.call("POST", "/_mock/outcomes", rule)
    with http_client(pager_server.url, timeout=10) as http:
        for key in golden.get("after", []):
            example = PAGER_EXAMPLES[key]
            assert "<code>1</code>" in _pager_post(http, example["path"], example["xml"])
        smsid = ""
        if "setup_xml" in golden:
            smsid = re.findall(r"<smsid>(\d+)</smsid>", _pager_post(http, "/send.xml",
                                                                   golden["setup_xml"]))[0]
        xml = golden["xml"] if "xml" in golden else PAGER_EXAMPLES[golden["request"]]["xml"]
        body = _pager_post(http, golden["path"], xml.replace("{smsid}", smsid))
    assert body.endswith("\n"), body  # every answer ends its last line
    assert matches(body[:-1], {**golden, "format": "xml"}, PAGER_TABLES), (body, golden["answer"])
    if "stored" in golden:
        stored = pager_server.messages(provider="smspager", account="test")
        assert [[m["phone"], m["text"]] for m in stored] == golden["stored"]
    assert pager_server.health()["internal_errors"] == 0


# --- the goldens are the documents' text --------------------------------------------------

@needs_specs
@pytest.mark.parametrize("entry", all_entries(), ids=lambda e: f"{e.file}:{e.key}")
def test_golden_is_the_documents_text(entry: Entry) -> None:
    """A request the document prints is in its lines, with only the listed placeholders
    filled in; an answer template is the document's, line by line."""
    golden = entry.data
    lines = document_lines(entry.document)
    assert all(1 <= first <= last <= len(lines) for first, last in entry.ranges), entry.ranges
    if "doc_query" in golden:
        first, last = golden["lines"]
        printed = "".join(lines[first - 1:last])
        assert golden["doc_query"] in printed
        filled = golden["doc_query"]
        for placeholder, value in golden.get("replacements", {}).items():
            assert placeholder in filled, placeholder
            filled = filled.replace(placeholder, value)
        assert filled in golden["query"], (filled, golden["query"])
    if "doc_text" in golden:  # a text the document prints, sent URL-encoded
        first, last = golden["lines"]
        assert golden["doc_text"] in "\n".join(lines[first - 1:last])
        assert quote(golden["doc_text"], safe="") in golden["query"]
    if "code" in golden:  # PHP, verbatim
        first, last = golden["lines"]
        assert golden["code"].strip("\n") == "\n".join(lines[first - 1:last])
    if "answer" in golden and "answer_lines" in golden:
        ranges = [tuple(r) for r in golden["answer_lines"]]
        assert in_document(golden["answer"], entry.document, ranges), golden["answer"]


# --- every example has a golden ------------------------------------------------------------

def _covered(document: str) -> list[tuple[int, int]]:
    ranges = [r for e in all_entries() if e.document == document for r in e.ranges]
    ranges += [tuple(item["lines"]) for item in not_examples().get(document, [])]
    return ranges  # type: ignore[return-value]


@needs_specs
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_example_of_the_document_has_a_golden(document: str) -> None:
    text = (SPECS / document).read_text("utf-8")
    missing = uncovered(text, _covered(document))
    assert not missing, "\n".join(f"{document}:{n} ({kind}): {text.splitlines()[n - 1]}"
                                  for n, kind in sorted(missing.items()))


def test_not_examples_give_a_reason_each() -> None:
    assert not_examples(), "the inventory lists no documents"  # else the loop proves nothing
    for document, items in not_examples().items():
        assert document in DOCUMENTS
        for item in items:
            first, last = item["lines"]
            assert 1 <= first <= last and item["reason"].strip(), item


def test_the_scan_finds_an_example_no_golden_covers() -> None:
    doc = "\n".join([
        "Пример:",
        "https://example.com/sys/send.php?login=a&psw=b",  # 2
        "Ответ:",
        "OK - 1 SMS, ID - 5",  # 4
        "Просто текст без примеров.",
        '<?xml version="1.0"?>',  # 6
        "1179038981",  # 7
        "ERROR = 2 (описание)",  # 8
        "- user – логин в системе;",
        "- Нет отправителя.",  # 10
    ])
    assert sorted(uncovered(doc, [])) == [2, 4, 6, 7, 8, 10]
    assert sorted(uncovered(doc, [(1, 4), (6, 6)])) == [7, 8, 10]
    assert uncovered(doc, [(1, 10)]) == {}


@needs_specs
def test_the_scan_sees_the_documents_examples() -> None:
    """Not a vacuous scan: it finds the examples everyone would point at, in each document."""
    expected = {"000_5f3f23c2969425b3.txt": [7, 98, 173, 627, 705],
                "001_2f04aa68ec44a088.txt": [33, 57, 73, 79, 88, 230, 315],
                "002_8241e0b334068ee8.txt": [202, 250, 267, 294, 361, 455, 789, 1046],
                "003_15f31480a758852c.txt": [1, 6, 289, 330, 429]}
    for document, numbers in expected.items():
        found = example_lines((SPECS / document).read_text("utf-8"))
        assert set(numbers) <= set(found), (document, set(numbers) - set(found))


@pytest.mark.slow
def test_a_template_pattern_can_refuse() -> None:
    xml = "<result>\n<id>id</id>\n<cnt>n</cnt>\n</result>"
    pattern = template_pattern(xml, "xml", {"id": r"\d+", "n": r"\d+"})
    assert pattern.fullmatch("<result>\n<id>12</id>\n<cnt>1</cnt>\n</result>")
    assert not pattern.fullmatch("<result>\n<cnt>1</cnt>\n<id>12</id>\n</result>")
    assert not pattern.fullmatch("<result><id>12</id><cnt>1</cnt></result>")
    listing = template_pattern('[{\n"id": <id>\n},\n...]', "json", {"<id>": r"\d+"})
    assert listing.fullmatch('[{"id":1},{"id":2}]')
    assert not listing.fullmatch('[{"id":"1"}]')
    text = template_pattern("OK - <n> SMS, BALANCE - N", "text", {"<n>": r"\d+", "N": "7"})
    assert text.fullmatch("OK - 3 SMS, BALANCE - 7")
    assert not text.fullmatch("OK - 3 SMS, BALA7CE - 7")
