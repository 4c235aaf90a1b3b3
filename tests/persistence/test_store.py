"""The store alone: a gateway written to a data dir and read back into a new one, as a
restart does (without HTTP: sms_mocks.serving.runtime builds both halves the way the
server does)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from sms_mocks.config import Settings
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Item, SendRequest
from sms_mocks.core.messages import State
from sms_mocks.serving.runtime import Runtime
from sms_mocks.store import StoreError
from sms_mocks.store.database import FILE
from sms_mocks.store.schema import VERSION

START = 1_800_000_000.0
_opened: list[Runtime] = []


@pytest.fixture(autouse=True)
def _close_every_runtime() -> Iterator[None]:
    yield
    while _opened:
        persistence = _opened.pop().persistence
        assert persistence is not None
        persistence.db.close()


def runtime(tmp_path: Path, **settings: object) -> Runtime:
    rt = Runtime(Settings(clock="virtual", clock_start=START, data_dir=str(tmp_path),
                          **settings))  # type: ignore[arg-type]
    _opened.append(rt)
    return rt


def restart(old: Runtime, tmp_path: Path) -> Runtime:
    assert old.persistence is not None
    old.persistence.db.close()  # as a killed process would: no final commit
    return runtime(tmp_path)


def send(rt: Runtime, phone: str, text: str = "hello", **kw: object) -> list[int]:
    gateway = rt.gateway
    account = gateway.accounts.get("smsc", "alex")
    assert account is not None
    result = gateway.send(account, SendRequest([Item([phone], text)], **kw))  # type: ignore[arg-type]
    assert rt.persistence is not None
    rt.persistence.commit()
    return [m.id for m in result.messages]


def alex(rt: Runtime) -> Account:
    account = rt.gateway.accounts.get("smsc", "alex")
    assert account is not None
    return account


def test_a_committed_send_is_there_after_a_restart_field_for_field(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    [mid] = send(first, "79991234567", "Привет", valid_seconds=600)
    before = first.gateway.store.get(mid)
    second = restart(first, tmp_path)
    after = second.gateway.store.get(mid)
    assert after is not None and before is not None
    for name in ("id", "ext_id", "phone", "text", "sender", "parts", "cost", "created_at",
                 "send_at", "valid_until", "state", "state_at", "err", "outcome", "due",
                 "encoding", "channel", "comment", "sent_at", "batch", "pay_on_delivery"):
        assert getattr(after, name) == getattr(before, name), name
    assert after.account is alex(second)
    assert alex(second).balance == Decimal("998.60")


def test_ids_continue_after_a_restart(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    ids = send(first, "79991234567") + send(first, "79991234568")
    ext_ids = [first.gateway.store.get(i).ext_id for i in ids]  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    [again] = send(second, "79991234569")
    assert again == ids[-1] + 1
    message = second.gateway.store.get(again)
    assert message is not None
    assert int(message.ext_id) == int(ext_ids[-1]) + 1
    assert message.batch == first.gateway.store.batches + 1


def test_pending_transitions_fire_after_a_restart_when_their_time_comes(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    [plain] = send(first, "79991234567")
    [late] = send(first, "79000001006")  # undelivered, err 6
    [read] = send(first, "79000000003")  # delivered, then read 10 s later
    [stuck] = send(first, "79000000002")  # held at the operator, no timer
    first.gateway.advance(1.0)  # plain and late reach the operator; the report timers wait
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    store = second.gateway.store
    assert store.get(plain).state is State.SENT  # type: ignore[union-attr]
    assert second.gateway.clock.now() == START + 1.0
    assert second.gateway.advance(4.0) == 0  # nothing is due before its time
    assert second.gateway.advance(1.0) == 3  # the three reports (at sent + 5 s)
    assert store.get(plain).state is State.DELIVERED  # type: ignore[union-attr]
    assert store.get(plain).state_at == START + 6.0  # type: ignore[union-attr]
    assert (store.get(late).state, store.get(late).err) == (State.UNDELIVERED, 6)  # type: ignore[union-attr]
    assert store.get(read).state is State.DELIVERED  # type: ignore[union-attr]
    second.gateway.advance(10.0)
    assert store.get(read).state is State.READ  # type: ignore[union-attr]
    assert store.get(stuck).state is State.SENT  # type: ignore[union-attr]
    assert store.get(stuck).due is None  # type: ignore[union-attr]


def test_transitions_and_refunds_by_timers_are_written_too(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    [mid] = send(first, "79000001006", pay_on_delivery=True)
    assert alex(first).balance == Decimal("998.60")
    first.gateway.advance(60.0)  # undelivered: refunded
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    assert second.gateway.store.get(mid).state is State.UNDELIVERED  # type: ignore[union-attr]
    assert alex(second).balance == Decimal("1000.00")
    assert len(second.gateway.engine) == 0


def test_cancel_and_delete_are_written(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    [cancelled] = send(first, "79991234567")
    [deleted] = send(first, "79991234568")
    gateway = first.gateway
    gateway.cancel([gateway.store.get(cancelled)])  # type: ignore[list-item]
    gateway.delete(gateway.store.get(deleted))  # type: ignore[arg-type]
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    assert second.gateway.store.get(cancelled).state is State.CANCELLED  # type: ignore[union-attr]
    assert second.gateway.store.get(deleted) is None
    assert alex(second).balance == Decimal("998.60")  # the cancelled one came back


def test_nothing_uncommitted_is_seen_after_a_kill(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    send(first, "79991234567")
    account = alex(first)
    first.gateway.send(account, SendRequest([Item(["79991234568"], "not committed")]))
    second = restart(first, tmp_path)
    assert [m.text for m in second.gateway.messages()] == ["hello"]
    assert alex(second).balance == Decimal("998.60")


def test_accounts_changed_by_the_control_api_and_config_accounts_new_to_the_dir(
        tmp_path: Path) -> None:
    first = runtime(tmp_path)
    account = alex(first)
    account.balance = Decimal("5.55")
    account.stop_list.add("79990000000")
    first.gateway.touched(account)
    first.persistence.commit()  # type: ignore[union-attr]
    first.persistence.db.close()  # type: ignore[union-attr]
    extra = {"provider": "smsc", "login": "new", "password": "pw", "balance": "7"}
    second = runtime(tmp_path, accounts=[{"provider": "smsc", "login": "alex",
                                          "password": "other"}, extra])
    assert alex(second).balance == Decimal("5.55")  # the dir's account wins over the config
    assert alex(second).password == "123"
    assert alex(second).stop_list == {"79990000000"}
    assert second.gateway.accounts.get("smsc", "new").balance == Decimal("7")  # type: ignore[union-attr]
    assert second.gateway.accounts.get("smspager", "test") is not None  # from the first start
    third = restart(second, tmp_path)
    assert third.gateway.accounts.get("smsc", "new") is not None  # and kept from now on


def test_reset_empties_the_store_but_ids_go_on(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    [mid] = send(first, "79991234567")
    first.reset()
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    assert list(second.gateway.messages()) == []
    assert alex(second).balance == Decimal("1000.00")
    assert send(second, "79991234567") == [mid + 1]


def test_templates_and_operator_templates_round_trip(tmp_path: Path) -> None:
    from sms_mocks.providers.smsc import op_templates, templates
    first = runtime(tmp_path)
    state = templates.Templates({("smsc", "alex"): {
        2: templates.Template(2, "name", "текст", "sms", "SMSC", 1)}}, issued=2)
    ops = op_templates.OpTemplates({(("smsc", "alex"), "SMSC", "code {x}", "mts_srv"):
                                    op_templates.OpTemplate(1, START, True)}, issued=1)
    first.gateway.dialect_state[templates.STATE] = state
    first.gateway.dialect_state[op_templates.STATE] = ops
    first.gateway.dialect_changed(templates.STATE)
    first.gateway.dialect_changed(op_templates.STATE)
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    assert second.gateway.dialect_state[templates.STATE] == state
    assert second.gateway.dialect_state[op_templates.STATE] == ops


def test_a_commit_without_changes_writes_nothing(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    connection = first.persistence.db.connection  # type: ignore[union-attr]
    before = connection.total_changes
    first.persistence.commit()  # type: ignore[union-attr]
    assert connection.total_changes == before
    first.gateway.advance(5)  # the clock moved: that is a change
    first.persistence.commit()  # type: ignore[union-attr]
    assert connection.total_changes == before + 1


def test_a_clock_set_by_the_control_api_resumes_where_it_was(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    first.gateway.clock.set_speed(5.0)
    first.gateway.advance(3600)
    reading = first.gateway.clock.now()
    first.persistence.commit()  # type: ignore[union-attr]
    second = restart(first, tmp_path)
    assert second.gateway.clock.speed == 5.0
    assert second.gateway.clock.now() >= reading


def test_without_a_data_dir_nothing_is_noted(tmp_path: Path) -> None:
    rt = Runtime(Settings(clock="virtual"))
    assert rt.persistence is None and rt.gateway.changes is None
    listeners = len(rt.gateway.events._listeners)
    persistent = Runtime(Settings(clock="virtual", data_dir=str(tmp_path)))
    _opened.append(persistent)
    assert len(persistent.gateway.events._listeners) == listeners + 1


# refusals -----------------------------------------------------------------------------------
def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    runtime(tmp_path).persistence.db.close()  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / FILE) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (VERSION + 1,))
    with pytest.raises(StoreError, match="newer sms-mocks"):
        runtime(tmp_path)


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / FILE).write_bytes(b"this is not SQLite " * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        runtime(tmp_path)


def test_a_damaged_account_row_is_refused(tmp_path: Path) -> None:
    runtime(tmp_path).persistence.db.close()  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / FILE) as conn:
        conn.execute("UPDATE accounts SET spec = ? WHERE login = 'alex'",
                     (json.dumps({"provider": "nowhere", "login": "alex"}),))
    with pytest.raises(StoreError, match="stored account"):
        runtime(tmp_path)


def test_a_dir_in_use_is_refused(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    with pytest.raises(StoreError, match="in use"):
        runtime(tmp_path)
    first.persistence.db.close()  # type: ignore[union-attr]
    runtime(tmp_path)  # free again


def test_a_dir_that_cannot_be_made_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="data dir"):
        runtime(tmp_path / "file" / "sub")


def test_a_data_dir_missing_a_table_is_refused(tmp_path: Path) -> None:
    runtime(tmp_path).persistence.db.close()  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / FILE) as conn:
        conn.execute("DROP TABLE messages")
    with pytest.raises(StoreError, match="cannot be read"):
        runtime(tmp_path)


@pytest.mark.parametrize("state", ['{"clock": "soon"}', "[]", "{", '{"clock": [1, -1]}'])
def test_a_damaged_meta_state_is_refused(tmp_path: Path, state: str) -> None:
    runtime(tmp_path).persistence.db.close()  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / FILE) as conn:
        conn.execute("UPDATE meta SET value = ?", (state,))
    with pytest.raises(StoreError, match="meta state is damaged"):
        runtime(tmp_path)


def test_a_lone_surrogate_from_a_json_body_neither_stops_commits_nor_changes(
        tmp_path: Path) -> None:
    from sms_mocks.config import account_from_spec
    first = runtime(tmp_path)
    odd = account_from_spec({"provider": "smsc", "login": "odd\ud800", "password": "p",
                             "api_keys": ["k"]})
    first.gateway.accounts.add(odd)
    first.gateway.touched(odd)
    first.persistence.commit()  # type: ignore[union-attr]
    send(first, "79991234567")  # later commits still work
    second = restart(first, tmp_path)
    kept = second.gateway.by_api_key("smsc", "k")
    assert kept is not None and kept.login == "odd\ud800"
    assert [m.text for m in second.gateway.messages()] == ["hello"]
