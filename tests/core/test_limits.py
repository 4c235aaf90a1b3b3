"""Rate limits on the injected clock: windows, streaks, requests in flight, error blocks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_mocks.core.clock import Clock
from sms_mocks.core.limits import ErrorBlocker, InFlight, Limits, Rule, SlidingWindow, Streaks

T0 = 1_000_000


@pytest.fixture
def clock() -> Clock:
    return Clock.virtual(start=T0)


# rules ------------------------------------------------------------------------------------
def test_rule_overrides() -> None:
    rule = Rule(max=5, window=60)
    assert rule.with_overrides(None) is rule
    assert rule.with_overrides(False) == Rule(enabled=False, max=5, window=60)
    assert rule.with_overrides({"max": 7}) == Rule(max=7, window=60)


def test_rule_override_with_an_unknown_field_raises() -> None:
    with pytest.raises(TypeError):
        Rule().with_overrides({"maximum": 3})


def test_limits_unknown_rule_is_disabled() -> None:
    assert Limits().rule("nope") == Rule(enabled=False)


def test_limits_account_overrides_apply_to_their_rule_only() -> None:
    limits = Limits({"a": Rule(max=5), "b": Rule(max=2)})
    overrides = {"a": {"max": 9}}
    assert limits.rule("a", overrides) == Rule(max=9)
    assert limits.rule("b", overrides) == Rule(max=2)
    assert limits.rule("a", {"a": False}).enabled is False


# sliding window ---------------------------------------------------------------------------
def test_window_refuses_the_second_hit_until_the_window_has_passed(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    assert window.hit("k", rule)
    assert not window.hit("k", rule)
    clock.advance(59.9)
    assert not window.hit("k", rule)
    clock.advance(0.1)
    assert window.hit("k", rule)
    assert not window.hit("k", rule)


def test_window_counts_keys_separately(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    assert window.hit("a", rule)
    assert window.hit("b", rule)
    assert not window.hit("a", rule)


def test_window_is_sliding_not_fixed(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=2, window=60)
    assert window.hit("k", rule)  # t=0
    clock.advance(30)
    assert window.hit("k", rule)  # t=30
    clock.advance(30)
    assert window.hit("k", rule)  # t=60: the hit at 0 left the window
    clock.advance(10)
    assert not window.hit("k", rule)  # t=70: hits at 30 and 60 are inside
    clock.advance(20)
    assert window.hit("k", rule)  # t=90


@pytest.mark.slow
def test_refused_hits_are_not_counted(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    assert window.hit("k", rule)
    for _ in range(10):
        clock.advance(5)
        assert not window.hit("k", rule)
    clock.advance(10)  # t=60 from the only counted hit
    assert window.hit("k", rule)


def test_window_prunes_idle_keys(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    for key in range(100):
        window.hit(key, rule)
    clock.advance(61)
    window.hit("fresh", rule)
    assert list(window._hits) == ["fresh"]


def test_forget_takes_back_a_hit_whether_the_key_holds_one_stamp_or_more(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=2, window=60)
    window.hit("one", rule)
    window.forget("one", clock.now())
    assert window.hit("one", rule) and window.hit("one", rule)
    assert not window.hit("one", rule)
    clock.advance(1)
    stamp = clock.now()
    window.hit("two", rule)
    window.hit("two", rule)
    window.forget("two", stamp)
    assert window.hit("two", rule)
    assert not window.hit("two", rule)


def test_forget_leaves_other_stamps_alone(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    window.hit("k", rule)
    window.forget("k", clock.now() - 1)
    window.forget("absent", clock.now())
    assert not window.hit("k", rule)


def test_a_rule_of_no_hits_refuses_every_hit(clock: Clock) -> None:
    window = SlidingWindow(clock)
    assert window.hit("k", Rule(max=1, window=60))
    clock.advance(61)
    assert not window.hit("k", Rule(max=0, window=60))
    assert not window.hit("new", Rule(max=0, window=60))


def test_a_refused_hit_still_lets_an_old_stamp_go(clock: Clock) -> None:
    """A stamp out of the refusing rule's window is dropped, as a key of several stamps drops
    its old ones: a later rule with a longer window does not see it."""
    window = SlidingWindow(clock)
    assert window.hit("k", Rule(max=1, window=5))
    clock.advance(3)
    assert not window.hit("k", Rule(max=0, window=2))
    assert window.hit("k", Rule(max=1, window=5))


def test_a_hit_may_be_stamped_with_a_time_read_before(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    stamp = clock.now()
    clock.advance(5)
    assert window.hit("k", rule, stamp)
    window.forget("k", stamp)
    assert window.hit("k", rule)


def test_window_clear_forgets_hits(clock: Clock) -> None:
    window, rule = SlidingWindow(clock), Rule(max=1, window=60)
    window.hit("k", rule)
    window.clear()
    assert window.hit("k", rule)


# streaks ----------------------------------------------------------------------------------
FLOOD = Rule(max=50, window=60)


def _streak(streaks: Streaks, clock: Clock, count: int, gap: float) -> None:
    for _ in range(count):
        assert streaks.check("n", FLOOD)
        streaks.record("n", FLOOD)
        clock.advance(gap)


def test_fifty_in_a_streak_are_allowed_the_fifty_first_refused(clock: Clock) -> None:
    streaks = Streaks(clock)
    _streak(streaks, clock, 50, gap=59)
    assert not streaks.check("n", FLOOD)


def test_check_counts_nothing(clock: Clock) -> None:
    streaks = Streaks(clock)
    for _ in range(100):
        assert streaks.check("n", FLOOD)


def test_a_gap_of_sixty_seconds_resets_the_streak(clock: Clock) -> None:
    streaks = Streaks(clock)
    _streak(streaks, clock, 50, gap=1)
    clock.advance(59 - 1)  # 59 s after the last
    assert not streaks.check("n", FLOOD)
    clock.advance(1)  # 60 s after the last
    assert streaks.check("n", FLOOD)
    streaks.record("n", FLOOD)
    _streak(streaks, clock, 49, gap=1)  # the new streak holds 50
    assert not streaks.check("n", FLOOD)


def test_streaks_are_per_key(clock: Clock) -> None:
    streaks = Streaks(clock)
    _streak(streaks, clock, 50, gap=0)
    assert not streaks.check("n", FLOOD)
    assert streaks.check("other", FLOOD)


def test_streaks_clear(clock: Clock) -> None:
    streaks = Streaks(clock)
    _streak(streaks, clock, 50, gap=0)
    streaks.clear()
    assert streaks.check("n", FLOOD)


# in flight --------------------------------------------------------------------------------
def test_in_flight_enter_and_leave() -> None:
    flight, rule = InFlight(), Rule(max=2)
    assert flight.enter("k", rule)
    assert flight.enter("k", rule)
    assert not flight.enter("k", rule)
    assert flight.enter("other", rule)
    assert flight.total == 3
    flight.leave("k")
    assert flight.total == 2
    assert flight.enter("k", rule)


def test_in_flight_leave_never_goes_negative() -> None:
    flight, rule = InFlight(), Rule(max=1)
    flight.leave("k")
    flight.leave("k")
    assert flight.total == 0
    assert flight.enter("k", rule)
    assert not flight.enter("k", rule)


# error blocker ----------------------------------------------------------------------------
BLOCK = Rule(max=3, block=600)


def test_blocks_after_max_consecutive_errors_for_block_seconds(clock: Clock) -> None:
    blocker = ErrorBlocker(clock)
    for _ in range(2):
        blocker.record("ip", True, BLOCK)
    assert not blocker.blocked("ip")
    blocker.record("ip", True, BLOCK)
    assert blocker.blocked("ip")
    clock.advance(599.9)
    assert blocker.blocked("ip")
    clock.advance(0.1)
    assert not blocker.blocked("ip")


def test_a_good_request_resets_the_error_count(clock: Clock) -> None:
    blocker = ErrorBlocker(clock)
    blocker.record("ip", True, BLOCK)
    blocker.record("ip", True, BLOCK)
    blocker.record("ip", False, BLOCK)
    blocker.record("ip", True, BLOCK)
    blocker.record("ip", True, BLOCK)
    assert not blocker.blocked("ip")
    blocker.record("ip", True, BLOCK)
    assert blocker.blocked("ip")


def test_requests_while_blocked_neither_extend_nor_lift_the_block(clock: Clock) -> None:
    blocker = ErrorBlocker(clock)
    for _ in range(3):
        blocker.record("ip", True, BLOCK)
    clock.advance(300)
    blocker.record("ip", True, BLOCK)
    blocker.record("ip", False, BLOCK)
    assert blocker.blocked("ip")
    clock.advance(300)
    assert not blocker.blocked("ip")


def test_error_count_restarts_after_a_block(clock: Clock) -> None:
    blocker = ErrorBlocker(clock)
    for _ in range(3):
        blocker.record("ip", True, BLOCK)
    clock.advance(600)
    blocker.record("ip", True, BLOCK)
    assert not blocker.blocked("ip")


def test_blocks_are_per_key(clock: Clock) -> None:
    blocker = ErrorBlocker(clock)
    for _ in range(3):
        blocker.record("ip", True, BLOCK)
    assert blocker.blocked("ip")
    assert not blocker.blocked("other")
    blocker.clear()
    assert not blocker.blocked("ip")


# against a model that keeps every stamp -------------------------------------------------
KEYS = st.sampled_from(["a", "b", "c"])
STEPS = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 61.0])
HITS = st.lists(st.tuples(st.sampled_from(["hit", "forget"]), KEYS, STEPS,
                          st.integers(0, 3)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(HITS, st.sampled_from([2.0, 5.0, 60.0]))
def test_a_window_answers_as_a_list_of_every_counted_stamp_would(
        steps: list[tuple[str, str, float, int]], seconds: float) -> None:
    """Whatever a key holds (nothing, one bare stamp, a list) and however pruning runs, each
    hit is answered as counting the key's stamps inside the window would answer it."""
    clock = Clock.virtual(start=1_900_000_000)
    window = SlidingWindow(clock)
    model: dict[str, list[float]] = {}
    counted: list[tuple[str, float]] = []
    for kind, key, step, limit in steps:
        clock.advance(step)
        now = clock.now()
        if kind == "forget" and counted:
            gone_key, stamp = counted.pop(limit % len(counted))
            window.forget(gone_key, stamp)
            if stamp in model.get(gone_key, []):
                model[gone_key].remove(stamp)
            continue
        # a hit drops the key's stamps out of its window, counted or refused
        live = model[key] = [s for s in model.get(key, []) if s > now - seconds]
        expected = len(live) < limit
        if expected:
            live.append(now)
            counted.append((key, now))
        assert window.hit(key, Rule(max=limit, window=seconds)) is expected
    clock.advance(seconds + 1)
    window.hit("fresh", Rule(max=1, window=seconds))
    assert list(window._hits) == ["fresh"], "keys out of the window stay"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), KEYS, STEPS, st.integers(0, 3)), max_size=60),
       st.sampled_from([2.0, 5.0, 60.0]))
def test_streaks_answer_as_every_key_s_last_event_and_count_would(
        steps: list[tuple[bool, str, float, int]], seconds: float) -> None:
    clock = Clock.virtual(start=1_900_000_000)
    streaks = Streaks(clock)
    model: dict[str, tuple[float, int]] = {}
    for record, key, step, limit in steps:
        clock.advance(step)
        now = clock.now()
        rule = Rule(max=limit, window=seconds)
        last, count = model.get(key, (float("-inf"), 0))
        assert streaks.check(key, rule) is not (now - last < seconds and count + 1 > limit)
        if record:
            streaks.record(key, rule)
            model[key] = (now, count + 1 if now - last < seconds else 1)
    clock.advance(seconds + 1)
    streaks.record("fresh", Rule(window=seconds))
    assert list(streaks._streaks) == ["fresh"], "streaks that are over stay"
