"""Clients that no registry ships, replayed from their request facts (fixtures/clients/).

Each call is sent as the client sends it with its default arguments, over real HTTP, and its
answer is read the way that client reads it: the test fails when the client would take another
branch than the one the fixture expects (its success path, or its error path for a wrong
password)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import phpserialize
import pytest
from lxml import etree

from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.helpers.clients import http_client

FACTS = Path(__file__).parents[2] / "fixtures" / "clients"
PHONE = "79991234567"
TEXT = "Hello"
CALL_NAMES = ("send", "status", "balance", "cost", "error")

# The senders these clients send, registered as a user of the real service would have them.
ACCOUNT_SPECS: dict[str, dict[str, Any]] = {
    "smsc": {},
    "smspager": {},
    "targetsms": {"senders": {"TargetSMS": "approved"}},
}

# Calls to APIs the emulator does not serve yet: each must still fail, so that this list
# shrinks as soon as one is served (strict xfail).
NOT_SERVED: dict[str, str] = {}

ABSENT = object()


def _load() -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, tomllib.loads(path.read_text(encoding="utf-8")))
            for path in sorted(FACTS.glob("*.toml"))]


CLIENTS = _load()


def test_the_facts_cover_the_clients_the_issue_names() -> None:
    names = {name for name, _ in CLIENTS}
    assert {"smsc_api_php", "smsc_api_py", "smsc_api_js", "smspager_transport_php"} <= names
    assert len(names) >= 6


@pytest.mark.parametrize(("name", "facts"), CLIENTS, ids=[name for name, _ in CLIENTS])
def test_every_file_names_its_origin_and_its_calls(name: str, facts: dict[str, Any]) -> None:
    origin = facts["origin"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", origin["repository"]), name
    assert origin["path"]
    assert re.fullmatch(r"[0-9a-f]{40}", origin["commit"]), name
    assert facts["provider"] in ACCOUNT_SPECS
    calls = facts["call"]
    assert calls[0]["name"] == "send"
    assert {c["name"] for c in calls} <= set(CALL_NAMES)
    assert "error" in {c["name"] for c in calls}, "each client shows one error path"
    for call in calls:
        assert call["method"] in ("GET", "POST") and call["path"].startswith("/")
        assert call["expect"] in ("ok", "error")


def test_the_readme_lists_every_client_with_the_state_of_its_test() -> None:
    readme = (FACTS.parents[1] / "docs" / "clients.md").read_text(encoding="utf-8")
    table = readme.split("**Clients that no registry ships**")[1].split("**Bugs of")[0]
    rows = {m[1]: m[0] for m in re.finditer(r"^\| [^(\n]*\(`(\w+)`\)[^\n]*$", table, re.M)}
    assert set(rows) == {name for name, _ in CLIENTS}
    for name, facts in CLIENTS:
        served = not any(c["path"] in NOT_SERVED for c in facts["call"])
        assert ("| fail |" not in rows[name]) == served, name


def _cases() -> list[Any]:
    return list(_each_case())


def _each_case() -> Iterator[Any]:
    for name, facts in CLIENTS:
        reasons = {NOT_SERVED[c["path"]] for c in facts["call"] if c["path"] in NOT_SERVED}
        marks = [pytest.mark.xfail(reason="; ".join(sorted(reasons)), strict=True,
                                   raises=AssertionError)] if reasons else []
        yield pytest.param(name, facts, id=name, marks=marks)


@pytest.mark.parametrize(("name", "facts"), _cases())
def test_the_clients_default_calls_take_the_expected_branch(sms_mocks: Sandbox, name: str,
                                                            facts: dict[str, Any]) -> None:
    provider = facts["provider"]
    account = sms_mocks.account(provider, **ACCOUNT_SPECS[provider])
    values = _values(account)
    with http_client(sms_mocks.url, timeout=10) as http:
        for call in facts["call"]:
            if call.get("advance"):
                sms_mocks.advance(call["advance"])
            response = _send(http, call, values)
            branch, fields = read(call["answer"], response)
            assert branch == call["expect"], (
                f"{name} {call['name']} ({call['invocation']}): the client takes the "
                f"{branch} branch on {response.status_code} {response.text!r}")
            if call["name"] == "send" and fields.get("id") not in (None, ABSENT):
                values["id"] = str(fields["id"])


def _values(account: MockAccount) -> dict[str, str]:
    md5 = hashlib.md5  # what the clients send, not a security measure
    return {"login": account.login, "password": account.password, "phone": PHONE,
            "text": TEXT, "id": "", "password_md5": md5(account.password.encode()).hexdigest(),
            "wrong_password_md5": md5((account.password + "x").encode()).hexdigest()}


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), template)


def _send(http: httpx.Client, call: dict[str, Any], values: dict[str, str]) -> httpx.Response:
    query = _fill(call.get("query", ""), values)
    url = call["path"] + (f"?{query}" if query else "")
    body = _fill(call.get("body", ""), values).encode()
    headers = {k: v for k, v in call.get("headers", {}).items()}
    return http.request(call["method"], url, content=body or None, headers=headers)


# -- reading an answer as the client does -------------------------------------------------


def read(answer: dict[str, Any], response: httpx.Response) -> tuple[str, dict[str, Any]]:
    """("ok" | "error", the fields the client takes)."""
    body = response.text
    fields = _fields(answer, body)
    if fields is None:  # not parseable the client's way
        return answer.get("non_json", "error"), {}
    error = False
    if answer.get("http_status") == "2xx only" and not 200 <= response.status_code < 300:
        error = True
    conditions = [answer["error_if"]] if "error_if" in answer else []
    conditions += answer.get("error_also_if", [])
    error = error or any(_holds(fields, c) for c in conditions)
    listed = answer.get("error_if_equals_any")
    if listed and fields.get(listed["field"]) in listed["values"]:
        error = True
    if error:
        return "error", fields
    if "ok_if_field_count" in answer and fields["_count"] != answer["ok_if_field_count"]:
        return "error", fields
    ok_if = answer.get("client_ok_if") if answer.get("parsed_by") == "caller" else None
    for condition in (answer.get("ok_if"), ok_if):
        if condition and not _holds(fields, condition):
            return "error", fields
    return "ok", fields


def _fields(answer: dict[str, Any], body: str) -> dict[str, Any] | None:
    kind, takes = answer["kind"], answer.get("takes", {})
    fields: dict[str, Any] = {"body": body.strip()}
    if kind == "split":
        parts = body.strip().split(answer["separator"])
        fields["_count"] = len(parts)
        for key, index in takes.items():
            fields[key] = parts[index] if index < len(parts) else ABSENT
    elif kind == "json":
        try:
            data = json.loads(body)
        except ValueError:
            return None
        fields.update({key: _json_path(data, path) for key, path in takes.items()})
        for key in ("error", "error_code"):
            fields.setdefault(key, _json_path(data, key))
    elif kind == "xml":
        try:
            root = etree.fromstring(body.encode())
        except etree.XMLSyntaxError:
            return None
        tree = root.getroottree()
        fields.update({key: _xml_path(tree, path) for key, path in takes.items()})
    elif kind == "php":
        try:
            data = phpserialize.loads(body.encode(), decode_strings=True)
        except ValueError:
            return None
        fields.update({key: data.get(path, ABSENT) if isinstance(data, dict) else ABSENT
                       for key, path in takes.items()})
    elif kind == "regex":
        match = re.search(answer["pattern"], body)
        fields.update({key: match[group] if match and match[group] is not None else ABSENT
                       for key, group in takes.items()})
    elif kind == "text":
        fields.update({key: body.strip() for key in takes})
    else:
        raise AssertionError(f"unknown answer kind {kind!r}")
    return fields


def _json_path(data: Any, path: str) -> Any:
    if path.startswith("[]."):
        if not isinstance(data, list):
            return ABSENT
        found = [_json_path(item, path[3:]) for item in data]
        return [f for f in found if f is not ABSENT] or ABSENT
    for step in path.split("."):
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        else:
            return ABSENT
    return data


def _xml_path(tree: Any, path: str) -> Any:
    found = tree.xpath(path)
    if not found:
        return ABSENT
    first = found[0]
    return first if isinstance(first, str) else (first.text or "")


def _holds(fields: dict[str, Any], condition: dict[str, str]) -> bool:
    value = fields.get(condition["field"], ABSENT)
    test, _, operand = condition["is"].partition(":")
    if test == "present":
        return value is not ABSENT and value is not None
    if test == "absent":
        return value is ABSENT or value is None
    if value is ABSENT or value is None:
        return False
    text = str(value).strip()
    if test in ("positive", "negative", "nonzero"):
        try:
            number = float(text)
        except ValueError:
            return False
        return {"positive": number > 0, "negative": number < 0, "nonzero": number != 0}[test]
    checks = {"nonempty": lambda: text != "" and value != [],
              "equals": lambda: text == operand, "not-equals": lambda: text != operand,
              "startswith": lambda: text.startswith(operand),
              "contains": lambda: operand in text}
    return checks[test]()
