"""JSON views of messages, shared by the control API and the pytest helpers; and the page of
messages GET /_mock/messages answers. (An account's view is its spec: core/account_specs.)"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from sms_mocks.control.handlers import BadRequest
from sms_mocks.control.otp import one_time_code
from sms_mocks.core.clock import iso
from sms_mocks.core.messages import Message, MessageStore, State
from sms_mocks.core.mojibake import hint
from sms_mocks.core.outcomes import decided_by

DEFAULT_LIMIT = 1000  # messages a page holds unless `limit` says otherwise
MAX_LIMIT = 1000  # a larger `limit` is taken as this
SCAN = 20_000  # messages a page may look at; past that it ends early, with a `next` cursor
PHONES = 256  # numbers a phone filter may match and still be read number by number
FEW = 2000  # candidates so few that looking through them beats searching the numbers
_LABELS = frozenset(s.label for s in State)
_ID = attrgetter("id")


def message_view(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "provider": m.provider,
        "account": m.account.login,
        "ext_id": m.ext_id,
        "phone": m.phone,
        "sender": m.sender,
        "text": m.text,
        "code": one_time_code(m.text),
        "comment": m.comment,
        "channel": m.channel,
        "encoding": m.encoding,
        "parts": m.parts,
        "cost": str(m.cost),
        "status": m.state.label,
        "err": m.err,
        "created_at": iso(m.created_at),
        "send_at": iso(m.send_at),
        "valid_until": iso(m.valid_until),
        "status_at": iso(m.state_at),
        "timeline": [{"status": s.label, "at": iso(at), "err": err}
                     for s, at, err in m.timeline()],
        "extra": m.extra or {},
        # why its fate is not the usual course: a magic number or token, an outcome rule
        "decided_by": decided_by(m.outcome, m.phone),
        "text_hint": hint(m.text),  # UTF-8 read as windows-1251, and what it meant
    }


def matches(m: Message, q: Mapping[str, str]) -> bool:
    """The filters of GET /_mock/messages: provider and account exactly, digits the number
    contains, status, a substring of the text in any case."""
    if "provider" in q and m.provider != q["provider"]:
        return False
    if "account" in q and m.account.login != q["account"]:
        return False
    if "phone" in q and q["phone"].lstrip("+") not in m.phone:
        return False
    if "status" in q and m.state.label != q["status"]:
        return False
    return not ("text" in q and q["text"].lower() not in m.text.lower())


@dataclass(slots=True)
class Page:
    messages: list[Message]  # oldest first
    next: int | None  # pass as `before` for the older ones; None when there are none
    scanned: int  # messages looked at


def _candidates(store: MessageStore, q: Mapping[str, str], before: int | None
                ) -> Iterator[Message]:
    """Newest first, a superset of what the filters match, from the smallest index that
    covers them: the login's messages, those to the numbers containing the digits, the
    provider's, or else every message."""
    options: list[tuple[int, list[Iterator[Message]]]] = [(len(store), [store.newest(before)])]
    if "account" in q:
        options.append((store.count_of(q["account"]), [store.newest_of(q["account"], before)]))
    if "provider" in q:
        options.append((store.count_of_provider(q["provider"]),
                        [store.newest_of_provider(q["provider"], before)]))
    # the numbers' search reads every distinct number (in C): only when it may pay
    if "phone" in q and min(size for size, _ in options) > FEW:
        phones = store.phones_containing(q["phone"].lstrip("+"), PHONES)
        if phones is not None:
            options.append((sum(store.count_to(phone) for phone in phones),
                            [store.newest_to(phone, before) for phone in phones]))
    _, sources = min(options, key=lambda option: option[0])
    if len(sources) == 1:
        return sources[0]
    return heapq.merge(*sources, key=_ID, reverse=True)


def message_page(store: MessageStore, q: Mapping[str, str], scan: int = SCAN) -> Page:
    """The newest `limit` messages the filters match (below the id `before`, if given),
    looking at no more than `scan` of them: the cost follows the page, not the store."""
    q = {k: v for k, v in q.items() if v != ""}
    if "status" in q and q["status"] not in _LABELS:
        raise BadRequest(f"unknown status {q['status']!r}")
    try:
        limit = min(int(q.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
    except ValueError:
        raise BadRequest("limit is a number") from None
    before = None
    if "before" in q:
        raw = q["before"]
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise BadRequest("before: a message id")
        before = int(raw)
    if limit <= 0:
        return Page([], None, 0)
    found: list[Message] = []
    scanned = 0
    candidates = _candidates(store, q, before)
    for message in candidates:
        scanned += 1
        if matches(message, q):
            found.append(message)
            if len(found) >= limit:
                break
        if scanned >= scan:
            break
    else:
        return Page(found[::-1], None, scanned)
    more = next(candidates, None) is not None
    return Page(found[::-1], message.id if more else None, scanned)


def messages_answer(store: MessageStore, q: Mapping[str, str]) -> dict[str, Any]:
    """GET /_mock/messages' JSON: {"messages": [...]} oldest first, and "next" (an id to
    pass as `before`) when older messages may match too."""
    page = message_page(store, q)
    answer: dict[str, Any] = {"messages": [message_view(m) for m in page.messages]}
    if page.next is not None:
        answer["next"] = page.next
    return answer
