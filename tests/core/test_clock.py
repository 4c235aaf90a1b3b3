"""Clock: virtual time moves only when told; speed changes keep the current reading."""

from __future__ import annotations

import time

import pytest

from sms_mocks.core.clock import Clock


class FakeTime:
    """The wall and monotonic clocks, moved by hand."""

    def __init__(self, wall: float = 5_000.0, mono: float = 0.0) -> None:
        self.wall = wall
        self.mono = mono


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    # the functions themselves: a compiled clock module keeps its own reference to `time`
    monkeypatch.setattr(time, "time", lambda: fake.wall)
    monkeypatch.setattr(time, "monotonic", lambda: fake.mono)
    return fake


def test_virtual_clock_starts_on_a_whole_second() -> None:
    assert Clock.virtual(start=1000.7).now() == 1000.0


def test_virtual_clock_without_start_reads_the_wall_clock(fake_time: FakeTime) -> None:
    fake_time.wall = 1234.9
    assert Clock.virtual().now() == 1234.0


def test_virtual_clock_does_not_move_by_itself(fake_time: FakeTime) -> None:
    clock = Clock.virtual(start=1000)
    fake_time.mono += 3600
    assert clock.now() == 1000.0


def test_advance_moves_the_virtual_clock_and_returns_the_new_reading() -> None:
    clock = Clock.virtual(start=1000)
    assert clock.advance(2.5) == 1002.5
    assert clock.now() == 1002.5


def test_advance_backwards_is_refused() -> None:
    clock = Clock.virtual(start=1000)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert clock.now() == 1000.0


def test_set_time_jumps_forward_only() -> None:
    clock = Clock.virtual(start=1000)
    clock.set_time(5000)
    assert clock.now() == 5000.0
    with pytest.raises(ValueError, match="forward"):
        clock.set_time(4999)
    assert clock.now() == 5000.0


def test_negative_speed_is_refused() -> None:
    with pytest.raises(ValueError):
        Clock(speed=-1)
    clock = Clock.virtual(start=0)
    with pytest.raises(ValueError):
        clock.set_speed(-0.5)
    assert clock.speed == 0.0


@pytest.mark.parametrize(("speed", "mode"), [(0, "virtual"), (1, "real"), (10, "accelerated")])
def test_mode_is_named_by_speed(speed: float, mode: str) -> None:
    assert Clock(speed=speed, start=0).mode == mode


def test_accelerated_clock_runs_speed_times_faster(fake_time: FakeTime) -> None:
    clock = Clock(speed=10, start=1000)
    fake_time.mono += 3
    assert clock.now() == 1030.0


def test_set_speed_keeps_the_current_reading(fake_time: FakeTime) -> None:
    clock = Clock(speed=2, start=1000)
    fake_time.mono += 10
    assert clock.now() == 1020.0
    clock.set_speed(0)
    fake_time.mono += 100
    assert clock.now() == 1020.0
    clock.set_speed(1)
    assert clock.now() == 1020.0
    fake_time.mono += 5
    assert clock.now() == 1025.0


def test_advance_on_a_running_clock_adds_to_the_elapsed_time(fake_time: FakeTime) -> None:
    clock = Clock(speed=1, start=1000)
    fake_time.mono += 4
    assert clock.advance(60) == 1064.0
    fake_time.mono += 1
    assert clock.now() == 1065.0
