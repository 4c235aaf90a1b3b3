"""The heap keeper of a long-running server (mocks/serving/heap.py): frequent cheap promotions, full
collections only when idle or long overdue."""

from __future__ import annotations

import gc

import pytest

from sms_mocks.serving.heap import (
    FULL_SECONDS,
    IDLE_SECONDS,
    MAX_FULL_SECONDS,
    MIDDLE,
    NEVER,
    HeapKeeper,
)


class Calls(list[str]):
    def keeper(self, now: float = 0.0) -> HeapKeeper:
        return HeapKeeper(now, collect=lambda gen: self.append(f"collect{gen}") or 0,
                          freeze=lambda: self.append("freeze"),
                          unfreeze=lambda: self.append("unfreeze"))


def test_young_survivors_are_frozen_every_second_without_a_full_collection() -> None:
    calls = Calls()
    heap = calls.keeper()
    for tick in range(1, 41):  # four seconds of a busy server, ticked every 0.1 s
        heap.step(tick / 10, requests=tick)
    assert calls == ["collect1", "freeze"] * 4
    assert heap.full_collections == 0


def test_a_full_collection_waits_for_an_idle_second_after_work() -> None:
    calls = Calls()
    heap = calls.keeper()
    heap.step(FULL_SECONDS, requests=5)  # busy right now
    assert "collect2" not in calls
    heap.step(FULL_SECONDS + IDLE_SECONDS - 0.1, requests=5)
    assert "collect2" not in calls
    calls.clear()
    heap.step(FULL_SECONDS + IDLE_SECONDS, requests=5)
    assert calls == ["unfreeze", "collect2", "freeze"]
    assert heap.full_collections == 1


def test_an_idle_server_that_did_nothing_is_not_collected_again() -> None:
    calls = Calls()
    heap = calls.keeper()
    heap.step(1.0, requests=1)
    heap.step(FULL_SECONDS + 2, requests=1)
    assert heap.full_collections == 1
    heap.step(2 * FULL_SECONDS + 5, requests=1)  # idle, but nothing happened since
    assert heap.full_collections == 1


def test_unbroken_load_still_gets_a_full_collection_in_the_end() -> None:
    calls = Calls()
    heap = calls.keeper()
    step = 0.05
    for tick in range(1, int(MAX_FULL_SECONDS / step) + 1):
        heap.step(tick * step, requests=tick)  # a request every tick: never idle
    assert heap.full_collections == 1


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_install_turns_off_automatic_full_collections_and_shortens_the_middle_ones(
        thresholds: None) -> None:
    young, _, _ = gc.get_threshold()
    HeapKeeper(0.0).install()
    assert gc.get_threshold() == (young, MIDDLE, NEVER)
