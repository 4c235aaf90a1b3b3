"""Recording knows dialects only through the registry: a toy provider that declares a
`Recording` is recognised by its paths, read, replayed with its accounts and senders, cut into
fields, mapped to coverage rows and has its ids rewritten, with no file of `record/` naming it;
once unregistered, it is unknown again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from sms_mocks.conformance.coverage import Row
from sms_mocks.record import dialects, rows
from sms_mocks.record.cassette import Body, Exchange, Request, Response
from sms_mocks.record.diff import Verdict, template_of
from sms_mocks.record.replay import NO_LOGIN, accounts_of, rewrite_ids
from sms_mocks.seam import registry
from sms_mocks.seam.provider import Provider
from sms_mocks.seam.recording import (
    ID,
    Dialect,
    IdNames,
    Raw,
    Recording,
    RequestFacts,
    RowKey,
    Sent,
    credentials,
    form,
)

NAME, DIALECT = "toyrec", "toyrec-text"
SECTION = ("Toy", "send (toy)")
TABLE = [Row(*SECTION, "to number", "yes", "t::t", ""),
         Row(*SECTION, "text", "yes", "t::t", ""),
         Row(*SECTION, "answer OK, plain", "yes", "t::t", ""),
         Row(*SECTION, "answer OK with ids", "yes", "t::t", "")]


def _read(sent: Sent) -> RequestFacts:
    facts = RequestFacts(DIALECT, "", form(sent.query, "utf-8"))
    facts.command = "send" if "to" in facts.params else "hello"  # not in the path: in the params
    return credentials(facts, "user", ("pass",), "from", key_without_login=True)


def _rows(facts: RequestFacts, answer: str) -> list[RowKey]:
    wanted = [(*SECTION, name) for name in facts.params if name in ("to", "text")]
    return [*wanted, (*SECTION, "answer OK*")] if answer.startswith("OK") else wanted


def _fields(facts: RequestFacts, text: str) -> list[Raw]:
    found = re.fullmatch(r"(OK) (\d+)", text)
    if found is None:
        return [("answer", 0, len(text), "")]
    return [("status", found.start(1), found.end(1), ""), ("id", found.start(2), found.end(2), ID)]


def _unused(*args: object) -> object:
    raise AssertionError("recording must not serve, read records or match faults")


TOY = Provider(
    name=NAME, title="Toy", apis=("Toy",), hosts=("toy.example",), routes=(),
    parse=_unused, facts=_unused, read=_unused, explain=_unused,
    fault_codes=frozenset(),
    recording=Recording((Dialect(
        name=DIALECT, read=_read, rows=_rows, auth_failed=re.compile(r"^ERR 1$"),
        prefixes=("/toy/",), text_fields=_fields, command_in_body=True,
        ids=IdNames(query=("msg",), json_lists=("msgs",))),), replay_senders=("TOY",)),
)


@pytest.fixture
def toy() -> Iterator[None]:
    registry.register(TOY)
    try:
        yield
    finally:
        registry.unregister(NAME)


def _exchange(index: int, query: str, answer: str, path: str = "/toy/send",
              body: str = "") -> Exchange:
    request = Request(1.0, "POST", f"{path}?{query}", [("Content-Type", "application/json")],
                      Body(body, "utf-8"))
    return Exchange(index, DIALECT, request, Response(2.0, 200, "OK", [], Body(answer, "utf-8")))


def test_a_registered_dialect_is_known_by_its_paths_and_forgotten_when_unregistered(
        toy: None) -> None:
    assert dialects.provider_of("/toy/send?user=kid") == DIALECT
    assert dialects.provider_of("/toys") == ""
    assert dialects.account_provider(DIALECT) == NAME
    registry.unregister(NAME)
    try:
        assert dialects.provider_of("/toy/send") == ""
        assert dialects.account_provider(DIALECT) is None
        assert rows.backed(_exchange(1, "to=1", "OK 5"), TABLE) == []  # not a crash
    finally:
        registry.register(TOY)


def test_replay_accounts_take_the_password_that_logged_in_and_the_dialects_senders(
        toy: None) -> None:
    exchanges = [_exchange(1, "user=kid&pass=REDACTED-1&from=Shop", "ERR 1"),  # refused
                 _exchange(2, "user=kid&pass=REDACTED-2&from=Cafe", "OK 7"),
                 _exchange(3, "pass=REDACTED-3", "OK 8")]  # a pass without a user: a key
    [spec] = accounts_of(exchanges)
    assert (spec.provider, spec.login, spec.password, spec.api_keys, spec.senders) == (
        NAME, "kid", "REDACTED-2", ["REDACTED-3"], ["Shop", "Cafe"])
    assert dialects.replay_senders(NAME) == ("TOY",)
    [alone] = accounts_of(exchanges[:1])
    assert alone.password == NO_LOGIN  # the only password it tried was refused


def test_answers_are_cut_and_rows_found_as_the_dialect_says(toy: None) -> None:
    exchange = _exchange(4, "user=kid&to=79991234567&text=hi", "OK 123")
    template = template_of(exchange)
    assert [(s.field, s.kind, template.value(s)) for s in template.slots] == [("id", ID, "123")]
    assert rows.backed(exchange, TABLE) == [(*SECTION, "to number"), (*SECTION, "text"),
                                            (*SECTION, "answer OK, plain"),
                                            (*SECTION, "answer OK with ids")]
    # `to` names its row by the row's first word; no OK, no answer row
    assert rows.backed(_exchange(5, "to=1", "ERR 2"), TABLE) == [(*SECTION, "to number")]


def test_its_ids_are_rewritten_and_its_command_shown(toy: None) -> None:
    exchange = _exchange(6, "user=kid&msg=11,12", "OK 1", body='{"msgs": [11, 13]}')
    rewritten = rewrite_ids(exchange.request, {"11": "1", "12": "2"})
    assert (rewritten.path, rewritten.body.text) == ("/toy/send?user=kid&msg=1,2",
                                                     '{"msgs": [1, 13]}')
    assert Verdict(exchange).line().split()[:4] == ["#6", "POST", "/toy/send", "hello"]
