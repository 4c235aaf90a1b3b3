"""templates.php and op_templates.php (002): every command in every fmt, and their limits."""

from __future__ import annotations

import json

import pytest

from sms_mocks.providers.smsc import templates
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.providers.smsc.client import Smsc


def test_a_template_goes_through_add_get_change_and_delete(smsc: Smsc) -> None:
    added = json.loads(smsc.text("templates", add=1, name="Code", msg="Your code: {1}",
                                 format="sms", sender="SMSC", fmt=3))
    tid = added["id"]
    assert isinstance(tid, int)
    listed = json.loads(smsc.text("templates", get=1, fmt=3))
    assert listed == [{"id": tid, "name": "Code", "format": "sms", "sender": "SMSC",
                       "flag": 0, "message": "Your code: {1}"}]
    assert smsc.text("templates", chg=1, id=tid, msg="Код: {1}", **{"fl[1]": 1},
                     charset="utf-8") == "OK"
    assert smsc.text("templates", get=1, fmt=1, charset="utf-8") == \
        f"{tid},Code,sms,SMSC,1,Код: {{1}}"
    assert smsc.text("templates", **{"del": 1}, id=tid, fmt=2) == \
        "<result>OK</result>"
    assert smsc.text("templates", get=1, fmt=3) == \
        '{"error":"Запись не найдена.","error_code":3}'


@pytest.mark.parametrize(("fmt", "created", "listed"), [
    (0, "ID - {id}", "id = {id}, name = N, format = , sender = , flag = 0, message = M"),
    (1, "{id}", "{id},N,,,0,M"),
    (2, "<template>\n<id>{id}</id>\n</template>",
     "<list>\n<template>\n<id>{id}</id>\n<name>N</name>\n<format></format>\n<sender></sender>"
     "\n<flag>0</flag>\n<message>M</message>\n</template>\n</list>"),
    (3, '{{"id":{id}}}', '[{{"id":{id},"name":"N","format":"","sender":"","flag":0,'
                         '"message":"M"}}]'),
])
def test_answers_in_each_fmt(sms_mocks: Sandbox, smsc: Smsc, fmt: int, created: str,
                             listed: str) -> None:
    answer = smsc.text("templates", add=1, name="N", msg="M", fmt=fmt)
    tid = json.loads(smsc.text("templates", get=1, fmt=3))[0]["id"]
    assert answer == created.format(id=tid)
    assert smsc.text("templates", get=1, fmt=fmt) == listed.format(id=tid)
    ok = {0: "OK", 1: "OK", 2: "<result>OK</result>", 3: '{"result":"OK"}'}[fmt]
    assert smsc.text("templates", chg=1, id=tid, name="N2", fmt=fmt) == ok


@pytest.mark.parametrize(("params", "error"), [
    ({"add": 1, "name": "x"}, "ERROR = 1 (parameters error)"),
    ({"add": 1, "name": "x", "msg": "m", "format": "telegram"}, "ERROR = 1 (parameters error)"),
    ({"add": 1, "get": 1}, "ERROR = 1 (parameters error)"),
    ({}, "ERROR = 1 (parameters error)"),
    ({"chg": 1}, "ERROR = 1 (parameters error)"),
    ({"chg": 1, "id": 999999}, "ERROR = 3 (Запись не найдена.)"),
    ({"del": 1, "id": 999999}, "ERROR = 3 (Запись не найдена.)"),
    ({"add": 1, "name": "n" * 101, "msg": "m"}, "ERROR = 1 (parameters error)"),
    ({"add": 1, "name": "n", "msg": "m" * 1001}, "ERROR = 1 (parameters error)"),
    ({"add": 1, "name": "n", "msg": "m", "sender": "s" * 65}, "ERROR = 1 (parameters error)"),
])
def test_errors(smsc: Smsc, params: dict[str, object], error: str) -> None:
    assert smsc.text("templates", **params) == error


def test_a_change_past_a_bound_changes_nothing(smsc: Smsc) -> None:
    template_id = smsc.text("templates", add=1, name="n", msg="m", fmt=1)
    assert smsc.text("templates", chg=1, id=template_id, name="new", msg="m" * 1001,
                     fmt=1) == "0,-1"
    got = json.loads(smsc.text("templates", get=1, fmt=3))
    assert [(t["name"], t["message"]) for t in got] == [("n", "m")]


def test_past_the_last_template_an_account_may_keep_is_error_5(
        smsc: Smsc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "MAX_TEMPLATES", 2)  # the server runs in this process
    assert smsc.text("templates", add=1, name="a", msg="m", fmt=1).isdigit()
    assert smsc.text("templates", add=1, name="b", msg="m", fmt=1).isdigit()
    assert smsc.text("templates", add=1, name="c", msg="m") == \
        "ERROR = 5 (Ошибка сохранения или удаления.)"
    assert smsc.text("templates", add=1, name="c", msg="m", fmt=3) == \
        '{"error":"Ошибка сохранения или удаления.","error_code":5}'


def test_a_wrong_password_is_error_2_in_each_fmt(smsc: Smsc) -> None:
    smsc = Smsc(smsc.http, MockAccount("smsc", smsc.account.login, "wrong"))
    answers = [smsc.text("templates", get=1, fmt=fmt) for fmt in range(4)]
    assert answers == ["ERROR = 2 (authorise error)", "0,-2",
                       "<result>\n<error>authorise error</error>\n<error_code>2</error_code>\n"
                       "</result>", '{"error":"authorise error","error_code":2}']


def test_more_than_three_identical_requests_a_minute_is_error_9(smsc: Smsc,
                                                                sms_mocks: Sandbox) -> None:
    smsc.text("templates", add=1, name="a", msg="b")
    answers = [smsc.text("templates", get=1, fmt=1) for _ in range(4)]
    assert [a == "0,-9" for a in answers] == [False, False, False, True]
    sms_mocks.advance(61)
    assert smsc.text("templates", get=1, fmt=1) != "0,-9"


# -- op_templates.php --------------------------------------------------------------------

def test_an_operator_template_moves_through_moderation(smsc: Smsc,
                                                       sms_mocks: Sandbox) -> None:
    common = {"sender": "SMSC", "msg": "Code %d"}
    added = json.loads(smsc.text("op_templates", add=1, mts_srv=1, mega_trn=1, fmt=3,
                                 **common))
    assert [list(row) for row in added] == [["mts_srv", "id"], ["mega_trn", "id"]]
    assert [row["mts_srv" if i == 0 else "mega_trn"] for i, row in enumerate(added)] == [1, 1]

    def statuses() -> dict[str, int]:
        rows = smsc.text("op_templates", get=1, fmt=1, **common).split("\n")
        return {name: int(status) for name, status, _ in (r.split(",") for r in rows)}

    first = statuses()
    assert len(first) == 14
    assert (first["mts_srv"], first["mega_trn"], first["bee_srv"]) == (0, 0, -1)
    sms_mocks.advance(60)
    assert statuses()["mts_srv"] == 1  # sent for registration
    sms_mocks.advance(3600)
    assert statuses()["mts_srv"] == 2  # accepted by the operator


def test_a_banned_text_is_refused_by_the_operator(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, banned_words=["casino"])
    smsc.text("op_templates", add=1, sender="SMSC", msg="Casino bonus", soc=1)
    sms_mocks.advance(3600)
    row = smsc.text("op_templates", get=1, sender="SMSC", msg="Casino bonus", soc=1, fmt=1)
    assert row.split(",")[:2] == ["soc", "3"]  # not accepted by the operator


@pytest.mark.parametrize(("fmt", "expected"), [
    (0, "mts_srv = {s}, id = {i}"), (1, "mts_srv,{s},{i}"),
    (2, "<result>\n<template>\n<name>mts_srv</name>\n<status>{s}</status>\n<id>{i}</id>\n"
        "</template>\n</result>"),
    (3, '[{{"mts_srv":{s},"id":{i}}}]'),
])
def test_op_template_answers_in_each_fmt(smsc: Smsc, fmt: int, expected: str) -> None:
    answer = smsc.text("op_templates", add=1, sender="SMSC", msg=f"m{fmt}", mts_srv=1,
                       fmt=fmt)
    got = json.loads(smsc.text("op_templates", get=1, sender="SMSC", msg=f"m{fmt}",
                               mts_srv=1, fmt=3))
    tid = got[0]["id"]
    assert answer == expected.format(s=1, i=tid)
    assert smsc.text("op_templates", get=1, sender="SMSC", msg=f"m{fmt}", mts_srv=1,
                     fmt=fmt) == expected.format(s=0, i=tid)


def test_op_template_add_statuses(smsc: Smsc) -> None:
    assert smsc.text("op_templates", add=1, sender="Nobody", msg="m", mts_srv=1) == \
        "mts_srv = -1, id = 0"  # not the account's sender
    smsc.text("op_templates", add=1, sender="SMSC", msg="again", mts_srv=1)
    assert smsc.text("op_templates", add=1, sender="SMSC", msg="again", mts_srv=1,
                     fmt=1) == "mts_srv,-2,0"  # already there


@pytest.mark.parametrize("params", [{"add": 1, "sender": "SMSC", "msg": "m"},
                                    {"get": 1, "msg": "m"}, {"sender": "SMSC", "msg": "m"}])
def test_op_template_parameter_errors(smsc: Smsc, params: dict[str, object]) -> None:
    assert smsc.text("op_templates", fmt=1, **params) == "0,-1"


def test_more_than_ten_identical_op_template_requests_is_error_9(smsc: Smsc) -> None:
    answers = [smsc.text("op_templates", get=1, sender="SMSC", msg="m", fmt=1)
               for _ in range(11)]
    assert answers[9] != "0,-9" and answers[10] == "0,-9"
