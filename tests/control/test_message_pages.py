"""GET /_mock/messages' pages (control/views.message_page over the store's indexes): the same
answers as filtering every message, at a cost that follows the page, not the store.

The store is built directly through MessageStore.add, not over HTTP; the cost is asserted as
the number of messages a page looked at, and once, generously, as time against a tiny store."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from sms_mocks.control import views
from sms_mocks.control.handlers import BadRequest
from sms_mocks.control.views import matches, message_page, messages_answer
from sms_mocks.core.accounts import Account
from sms_mocks.core.messages import Message, MessageStore, State

COST = Decimal("1.00")
MILLION = 1_000_000


def account(provider: str, login: str) -> Account:
    return Account(provider=provider, login=login, password="x")


def message(store: MessageStore, owner: Account, phone: str, state: State = State.DELIVERED,
            text: str = "Your code 1234") -> Message:
    m = Message(id=store.new_id(), account=owner, ext_id="1", phone=phone, text=text,
                sender="SMSC", parts=1, cost=COST, created_at=1.7e9, send_at=1.7e9,
                valid_until=1.7e9 + 86400, state=state, state_at=1.7e9 + 5)
    store.add(m)
    return m


# -- a million messages ---------------------------------------------------------------------
BUSY = [account(p, f"busy{n}") for p in ("smsc", "smspager") for n in range(5)]
RARE = account("targetsms", "rare")  # ten messages, one every 100,000
LOUD = account("smsc", "loud")  # a fifth of everything, the newest included


@pytest.fixture(scope="module")
def big() -> Iterator[MessageStore]:
    gc.disable()  # a million young objects: no point collecting while they are made
    try:
        store = MessageStore()
        for n in range(MILLION):
            if n % 100_000 == 50_000:
                owner = RARE
            elif n % 5 == 4:
                owner = LOUD
            else:
                owner = BUSY[n % len(BUSY)]
            state = State.UNDELIVERED if n % 250_000 == 1 else State.DELIVERED
            message(store, owner, f"7999{n:07d}", state)
    finally:
        gc.enable()
    assert len(store) == MILLION
    yield store


@pytest.mark.slow
@pytest.mark.parametrize(("query", "shown", "most_looked_at"), [
    ({"limit": "200"}, 200, 200),
    ({"account": "rare"}, 10, 10),
    ({"account": "loud", "limit": "200"}, 200, 200),
    ({"account": "rare", "provider": "targetsms"}, 10, 10),
    ({"provider": "targetsms"}, 10, 10),  # a provider's own index
    ({"phone": "+79990050000"}, 1, 1),  # one number among a million
    ({"phone": "7999005000"}, 10, 10),  # digits in ten numbers
    ({"phone": "7999", "account": "rare"}, 10, 10),  # the login's index is the smaller
    ({"phone": "no such digits"}, 0, 0),
    ({"account": "nobody"}, 0, 0),
    # status has no index: the login's 200,000 are looked at SCAN at a time
    ({"account": "busy1", "status": "undelivered"}, 0, views.SCAN),
])
def test_a_filtered_page_of_a_million_looks_at_no_more_than_the_page(
        big: MessageStore, query: dict[str, str], shown: int, most_looked_at: int) -> None:
    page = message_page(big, query)
    assert len(page.messages) == shown
    assert page.scanned <= most_looked_at
    assert all(matches(m, query) for m in page.messages)
    assert [m.id for m in page.messages] == sorted(m.id for m in page.messages)


@pytest.mark.slow
def test_a_filter_no_index_serves_stops_early_and_says_where_to_go_on(
        big: MessageStore) -> None:
    first = message_page(big, {"status": "undelivered", "limit": "10"})
    assert first.scanned == views.SCAN
    assert first.messages == [] and first.next == MILLION - views.SCAN + 1
    ids: list[int] = []
    cursor: int | None = MILLION + 1
    pages = 0
    while cursor is not None:
        page = message_page(big, {"status": "undelivered", "before": str(cursor)})
        assert page.scanned <= views.SCAN
        ids = [m.id for m in page.messages] + ids
        cursor = page.next
        pages += 1
    assert ids == [n + 1 for n in range(MILLION) if n % 250_000 == 1]
    assert pages == MILLION // views.SCAN


@pytest.mark.slow
def test_the_newest_page_costs_about_what_it_costs_on_a_tiny_store(big: MessageStore) -> None:
    """The one wall-time check, generous: a page of 200 of one account's messages out of a
    million against the same page out of 200 (best of five each)."""
    tiny = MessageStore()
    for n in range(200):
        message(tiny, LOUD, f"7999{n:07d}")
    query = {"account": "loud", "limit": "200"}

    def best(store: MessageStore) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            messages_answer(store, query)
            times.append(time.perf_counter() - started)
        return min(times)

    assert len(messages_answer(big, query)["messages"]) == 200
    assert best(big) <= 3 * best(tiny) + 0.010


# -- the same answers as looking at everything -----------------------------------------------
PROVIDERS = ("smsc", "smspager", "targetsms")
LOGINS = ("ann", "bob", "cy")
PHONES = ("79991234567", "79991234568", "379991234567", "7999", "+7 (999) x", "номер",
          "79\n99", "")
TEXTS = ("Your code 1234", "HELLO there", "", "привет мир")


@pytest.fixture(scope="module")
def mixed() -> MessageStore:
    """Messages of the same logins under several providers, to numbers that contain one
    another, odd ones (not digits, a line break) among them; some removed again."""
    rng = random.Random(18)
    store = MessageStore()
    owners = [account(p, login) for p in PROVIDERS for login in LOGINS]
    kept = []
    for _ in range(3000):
        kept.append(message(store, rng.choice(owners), rng.choice(PHONES),
                            rng.choice(list(State)), rng.choice(TEXTS)))
    for m in rng.sample(kept, 300):
        store.remove(m)
    store.new_id()  # an id never used
    return store


def everything(store: MessageStore, query: dict[str, str]) -> list[Message]:
    """What GET /_mock/messages answered before pages: every match, oldest first, the last
    `limit` of them (now at most MAX_LIMIT)."""
    q = {k: v for k, v in query.items() if v != ""}
    limit = min(int(q.get("limit", "1000")), views.MAX_LIMIT)
    found = [m for m in store if matches(m, q)]
    return found[-limit:] if limit > 0 else []


def queries() -> list[dict[str, str]]:
    rng = random.Random(7)
    chosen: list[dict[str, str]] = [{}, {"limit": "0"}, {"limit": "-3"}, {"phone": "+"},
                                    {"phone": ""}, {"account": ""}, {"phone": "\n"}]
    for _ in range(150):
        q: dict[str, str] = {}
        if rng.random() < 0.5:
            q["provider"] = rng.choice([*PROVIDERS, "other"])
        if rng.random() < 0.5:
            q["account"] = rng.choice([*LOGINS, "nobody"])
        if rng.random() < 0.5:
            q["phone"] = rng.choice(["7999", "+79991234567", "1234567", "3", "x", "ном",
                                     "9\n9", "\n", "+"])
        if rng.random() < 0.3:
            q["status"] = rng.choice([s.label for s in State])
        if rng.random() < 0.3:
            q["text"] = rng.choice(["code", "CODE", "мир", "zzz"])
        if rng.random() < 0.5:
            q["limit"] = str(rng.choice([1, 5, 50, 1000, 5000]))
        chosen.append(q)
    return chosen


@pytest.mark.parametrize("query", queries())
def test_a_page_is_what_filtering_everything_gave(mixed: MessageStore,
                                                  query: dict[str, str]) -> None:
    page = message_page(mixed, query)
    assert page.messages == everything(mixed, query)


@pytest.mark.parametrize("query", queries()[::10])
def test_following_next_visits_every_match_once(mixed: MessageStore,
                                                query: dict[str, str]) -> None:
    query = {**query, "limit": "7"}
    expected = [m for m in mixed if matches(m, {k: v for k, v in query.items() if v})]
    seen: list[Message] = []
    before: dict[str, str] = {}
    for _ in range(10_000):
        page = message_page(mixed, {**query, **before}, scan=50)
        assert page.scanned <= 50
        seen = page.messages + seen
        if page.next is None:
            break
        before = {"before": str(page.next)}
    assert seen == expected


@pytest.mark.slow
def test_the_answer_says_next_only_when_there_may_be_more(mixed: MessageStore) -> None:
    assert "next" not in messages_answer(mixed, {"account": "ann"})
    answer = messages_answer(mixed, {"account": "ann", "limit": "2"})
    assert len(answer["messages"]) == 2 and answer["next"] == answer["messages"][0]["id"]


@pytest.mark.parametrize(("query", "error"), [
    ({"status": "lost"}, "unknown status 'lost'"),
    ({"limit": "many"}, "limit is a number"),
    ({"before": "-1"}, "before: a message id"),
    ({"before": "9" * 19}, "before: a message id"),
])
def test_bad_parameters_are_a_bad_request(mixed: MessageStore, query: dict[str, str],
                                          error: str) -> None:
    with pytest.raises(BadRequest, match=error):
        message_page(mixed, query)


def test_a_huge_limit_is_taken_as_the_most() -> None:
    store = MessageStore()
    owner = account("smsc", "many")
    for n in range(views.MAX_LIMIT + 5):
        message(store, owner, f"7{n}")
    page = message_page(store, {"limit": "100000"})
    assert len(page.messages) == views.MAX_LIMIT and page.next == page.messages[0].id


def test_the_store_indexes_follow_removals_and_a_reset() -> None:
    store = MessageStore()
    ann = account("smsc", "ann")
    first, second = message(store, ann, "79990000001"), message(store, ann, "79990000001")
    store.remove(first)
    assert list(store.newest_to("79990000001")) == [second]
    assert store.of_account(ann) == [second]
    store.remove(second)
    assert store.phones_containing("7999", 10) == []
    assert list(store.newest_of("ann")) == [] and store.count_of_provider("smsc") == 0
    late = message(store, ann, "79990000001")
    early = Message(id=late.id - 1, account=ann, ext_id="1", phone="79990000001", text="",
                    sender="", parts=1, cost=COST, created_at=0, send_at=0, valid_until=0)
    store.add(early)  # a smaller id (one handed out, never used) added after a larger one
    other = Message(id=late.id - 2, account=account("smspager", "ann"), ext_id="1",
                    phone="79990000002", text="", sender="", parts=1, cost=COST,
                    created_at=0, send_at=0, valid_until=0)
    store.add(other)
    assert [m.id for m in store.newest_of("ann")] == [late.id, early.id, other.id]
    assert [m.id for m in store.newest_to("79990000001")] == [late.id, early.id]
    assert [m.id for m in store.newest(before=late.id)] == [early.id, other.id]
    assert store.of_account(ann) == [early, late]
    store.clear()
    assert store.phones_containing("7999", 10) == [] and list(store.newest()) == []
