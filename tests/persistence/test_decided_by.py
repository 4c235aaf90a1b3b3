"""Why a message went its way (a magic number, a token, an outcome rule) survives a restart,
and rows written before it was kept still read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_mocks.config import Settings
from sms_mocks.core import outcomes
from sms_mocks.core.gateway import Item, SendRequest
from sms_mocks.core.messages import State
from sms_mocks.serving.runtime import Runtime
from sms_mocks.store.database import FILE

_opened: list[Runtime] = []


@pytest.fixture(autouse=True)
def _close_every_runtime() -> Iterator[None]:
    yield
    while _opened:
        persistence = _opened.pop().persistence
        assert persistence is not None
        persistence.db.close()


def runtime(tmp_path: Path) -> Runtime:
    rt = Runtime(Settings(clock="virtual", clock_start=1_800_000_000.0, data_dir=str(tmp_path)))
    _opened.append(rt)
    return rt


def restart(old: Runtime, tmp_path: Path) -> Runtime:
    assert old.persistence is not None
    old.persistence.db.close()
    return runtime(tmp_path)


def test_decided_by_is_the_same_after_a_restart(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    account = first.gateway.accounts.get("smsc", "alex")
    assert account is not None
    first.gateway.outcome_rules = [outcomes.rule_from_spec(
        {"phone": "79161234567", "outcome": "stuck"}, 7, ("smsc",))]
    result = first.gateway.send(account, SendRequest([
        Item(["79000000001", "79161234567", "79000008250"], "hi"),
        Item(["79161234568"], "hi mock:2030")]))
    assert first.persistence is not None
    first.persistence.commit()
    before = {m.id: outcomes.decided_by(m.outcome, m.phone) for m in first.gateway.store}
    assert sorted(filter(None, before.values())) == [
        "magic number 79000000001 (never answered: expires when its validity ends)",
        "magic number 79000008250 (refused on acceptance, err 250)",
        "outcome rule 7 (held at the operator until moved by hand)",
        "the text's mock:2030 (delivered 30 s after acceptance)"]
    assert len(result.messages) == 3

    second = restart(first, tmp_path)
    after = {m.id: outcomes.decided_by(m.outcome, m.phone) for m in second.gateway.store}
    assert after == before


def test_a_row_from_before_reads_as_the_usual_course(tmp_path: Path) -> None:
    first = runtime(tmp_path)
    account = first.gateway.accounts.get("smsc", "alex")
    assert account is not None
    [message] = first.gateway.send(account, SendRequest([Item(["79000001006"], "hi")])).messages
    assert first.persistence is not None
    first.persistence.commit()
    first.persistence.db.close()
    with sqlite3.connect(tmp_path / FILE) as conn:  # as an older version wrote it: 5 fields
        conn.execute("UPDATE messages SET outcome = '[3, 6, null, null, 0]' WHERE id = ?",
                     (message.id,))
    second = runtime(tmp_path)
    reloaded = second.gateway.store.get(message.id)
    assert reloaded is not None
    assert outcomes.decided_by(reloaded.outcome, reloaded.phone) is None
    second.gateway.advance(10)
    assert (reloaded.state, reloaded.err) == (State.UNDELIVERED, 6)
