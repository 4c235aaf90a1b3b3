"""The rule model on its own: draws that repeat for a seed, caps that hold, the book's order."""

from __future__ import annotations

from sms_mocks.faults.rules import Book, build
from sms_mocks.seam.exchange import Facts


def delays(spec: dict[str, object], count: int = 20) -> list[float]:
    rule = build(1, {"action": "delay", **spec})
    return [rule.action.delay(rule.effects) for _ in range(count)]


def test_random_delays_repeat_for_a_seed_and_stay_in_bounds() -> None:
    uniform = {"distribution": "uniform", "min": 0.5, "max": 1.5}
    assert delays({**uniform, "seed": 1}) == delays({**uniform, "seed": 1})
    assert delays({**uniform, "seed": 1}) != delays({**uniform, "seed": 2})
    assert all(0.5 <= d <= 1.5 for d in delays({**uniform, "seed": 3}))
    lognormal = {"distribution": "lognormal", "mu": 0.0, "sigma": 2.0, "max": 3.0, "seed": 4}
    drawn = delays(lognormal, 200)
    assert max(drawn) == 3.0 and min(drawn) > 0  # the cap holds; e^N(0, 2) often exceeds it
    assert delays({"seconds": 0.25}) == [0.25] * 20


def test_an_extreme_lognormal_is_capped() -> None:
    drawn = delays({"distribution": "lognormal", "mu": 10.0, "sigma": 10.0, "max": 600.0}, 50)
    assert max(drawn) == 600.0 and drawn.count(600.0) > 25  # e^10 s is far past the cap


def test_the_fire_sequence_depends_on_the_seed_alone() -> None:
    def sequence(seed: int, action: str) -> list[bool]:
        book = Book()
        book.add({"action": action, "probability": 0.3, "seed": seed, "provider": "smsc"})
        candidates = book.candidates("/sys/send.php")
        return [book.choose(candidates, None) is not None for _ in range(100)]

    assert sequence(5, "close") == sequence(5, "close") == sequence(5, "garble")
    assert sequence(5, "close") != sequence(6, "close")
    assert 15 <= sum(sequence(5, "close")) <= 45


def test_a_spent_book_disarms_and_rules_needing_facts_skip_without_them() -> None:
    book = Book()
    rule = book.add({"action": "reset", "times": 1, "provider": "smspager"})
    assert book.armed
    assert book.candidates("/sys/send.php") == []
    assert book.choose(book.candidates("/send.xml"), None) is rule
    assert not book.armed and rule.remaining == 0
    picky = book.add({"action": "close", "account": "shop"})
    assert book.choose(book.candidates("/send.xml"), None) is None  # no facts: no match
    assert book.choose(book.candidates("/send.xml"), Facts(account="shop")) is picky
    assert (picky.hits, picky.fired) == (1, 1)
