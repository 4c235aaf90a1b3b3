"""TimerQueue: whatever lanes and heap hold, timers come out by due time, ties in set order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sms_mocks.core.timers import TimerQueue


def drain(queue: TimerQueue[str], now: float = float("inf")) -> list[str]:
    out = []
    while (entry := queue.pop_due(now)) is not None:
        out.append(entry[2])
    return out


def test_lanes_and_heap_merge_in_due_order() -> None:
    queue: TimerQueue[str] = TimerQueue()
    queue.push(1.0, "sent a", lane="queue")
    queue.push(6.0, "report a", lane="report")
    queue.push(3.0, "scheduled")
    queue.push(2.0, "sent b", lane="queue")
    assert drain(queue) == ["sent a", "sent b", "scheduled", "report a"]


def test_equal_due_times_keep_the_order_they_were_set() -> None:
    queue: TimerQueue[str] = TimerQueue()
    queue.push(5.0, "first", lane="a")
    queue.push(5.0, "second")
    queue.push(5.0, "third", lane="b")
    assert drain(queue) == ["first", "second", "third"]


def test_a_timer_out_of_its_lanes_order_still_comes_out_in_time() -> None:
    queue: TimerQueue[str] = TimerQueue()
    queue.push(10.0, "late", lane="queue")
    queue.push(4.0, "early", lane="queue")  # goes to the heap
    assert drain(queue) == ["early", "late"]


def test_only_what_is_due_comes_out() -> None:
    queue: TimerQueue[str] = TimerQueue()
    queue.push(1.0, "a", lane="x")
    queue.push(2.0, "b")
    assert drain(queue, now=1.5) == ["a"]
    assert len(queue) == 1
    assert queue.peek() == (2.0, 1, "b")
    queue.clear()
    assert queue.peek() is None and len(queue) == 0


@given(st.lists(st.tuples(st.integers(0, 50), st.sampled_from([None, "q", "r"])), max_size=60))
def test_any_mix_comes_out_sorted(timers: list[tuple[int, str | None]]) -> None:
    queue: TimerQueue[int] = TimerQueue()
    for index, (due, lane) in enumerate(timers):
        queue.push(float(due), index, lane)
    expected = [i for i, _ in sorted(enumerate(timers), key=lambda p: (p[1][0], p[0]))]
    assert drain(queue) == expected
