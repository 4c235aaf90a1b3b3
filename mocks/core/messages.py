"""Messages and where they are kept.

A message is one text to one recipient. Its `ext_id` is the id the provider shows the client
(SMSC lets the client choose it, and it need not be unique); `id` is the emulator's own,
unique across the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from sms_mocks.core.accounts import Account


class State(IntEnum):
    QUEUED = 0  # accepted, waiting to leave (also: scheduled for later)
    SENT = 1  # handed to the operator, no report yet
    DELIVERED = 2
    UNDELIVERED = 3  # the operator reported a failure, see `err`
    EXPIRED = 4  # validity ran out without a report
    CANCELLED = 5
    REJECTED = 6  # refused on acceptance (stop-list, flood, no route), never charged
    READ = 7  # delivered, then read (SMSC status 2; the others show it as delivered)

    @property
    def final(self) -> bool:
        return self >= State.DELIVERED

    @property
    def label(self) -> str:
        return self.name.lower()


# Delivery error codes. The core speaks SMSC's `err` table (FACTS B.3), the richest of the
# three providers'; other dialects map from it.
ERR_NONE = 0
ERR_VIRTUAL = 200  # "Виртуальная отправка (режим тестирования)"
ERR_NO_ROUTE = 248
ERR_BAD_NUMBER = 249
ERR_NUMBER_FORBIDDEN = 250
ERR_NUMBER_LIMIT = 251


@dataclass(slots=True, eq=False)
class Message:
    id: int
    account: Account
    ext_id: str
    phone: str
    text: str
    sender: str
    parts: int
    cost: Decimal
    created_at: float
    send_at: float
    valid_until: float
    state: State = State.QUEUED
    state_at: float = 0.0
    err: int = ERR_NONE
    outcome: object = None  # a delivery.Outcome; typed loosely to keep this module a leaf
    due: float | None = None  # when the engine will move it next
    encoding: str = "GSM-7"
    channel: str = "sms"
    comment: str = ""
    sent_at: float | None = None  # when it reached the operator, if it did
    batch: int = 0  # the mailing (one accepted send request) it belongs to
    pay_on_delivery: bool = False  # refunded unless delivered (SMS-Pager onlydelivery)
    extra: dict[str, str] | None = None  # what a channel adds: call settings, binary pid/dcs

    @property
    def provider(self) -> str:
        return self.account.provider

    @property
    def refunded(self) -> bool:
        """Ended on terms that give the money back: cancelled, or sent pay-on-delivery and
        not delivered."""
        state = self.state
        return state is State.CANCELLED or (self.pay_on_delivery and state.final
                                            and state is not State.DELIVERED
                                            and state is not State.READ)

    def timeline(self) -> list[tuple[State, float, int]]:
        """(state, at, err) from acceptance on. A message only ever moves queued → sent →
        final, so three fields tell the whole story and no per-message list is kept (a read
        message shows its read, not the delivery before it)."""
        steps = [(State.QUEUED, self.created_at, ERR_NONE)]
        if self.sent_at is not None:
            steps.append((State.SENT, self.sent_at, ERR_NONE))
        if self.state is not State.QUEUED and self.state is not State.SENT:
            steps.append((self.state, self.state_at, self.err))
        return steps


class MessageStore:
    """Messages by their server-wide id, and per account by (ext_id, phone).

    Ids are handed out in order, so the id index is a list; the per-account index maps an
    ext_id to its message, or to a list when one id went to several numbers. Both keep memory
    per message to a pointer or two."""

    def __init__(self) -> None:
        self._items: list[Message | None] = []
        self._first_id = 1  # the id of _items[0]
        self._count = 0
        self._batches = 0
        self._by_account: dict[tuple[str, str], dict[str, Message | list[Message]]] = {}

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Message]:
        return (m for m in list(self._items) if m is not None)

    def new_id(self) -> int:
        self._items.append(None)
        return self._first_id + len(self._items) - 1

    def new_batch(self) -> int:
        self._batches += 1
        return self._batches

    def add(self, message: Message) -> None:
        index = message.id - self._first_id
        if index < 0 or (index < len(self._items) and self._items[index] is not None):
            raise ValueError(f"message id {message.id} is taken or retired")
        if index >= len(self._items):  # an id this store did not hand out: make room for it
            self._items.extend([None] * (index + 1 - len(self._items)))
        self._items[index] = message
        self._count += 1
        by_ext = self._by_account.setdefault(message.account.key, {})
        found = by_ext.get(message.ext_id)
        if found is None:
            by_ext[message.ext_id] = message
        elif isinstance(found, list):
            found.append(message)
        else:
            by_ext[message.ext_id] = [found, message]

    def get(self, message_id: int) -> Message | None:
        index = message_id - self._first_id
        return self._items[index] if 0 <= index < len(self._items) else None

    def find(self, account: Account, ext_id: str, phone: str) -> Message | None:
        """The newest message with this id to this number (SMSC ids need not be unique)."""
        found = self._by_account.get(account.key, {}).get(ext_id)
        if isinstance(found, list):
            for message in reversed(found):
                if message.phone == phone:
                    return message
            return None
        return found if found is not None and found.phone == phone else None

    def of_account(self, account: Account) -> list[Message]:
        out: list[Message] = []
        for found in self._by_account.get(account.key, {}).values():
            out += found if isinstance(found, list) else [found]
        return sorted(out, key=lambda m: m.id)

    def remove(self, message: Message) -> None:
        index = message.id - self._first_id
        if not (0 <= index < len(self._items) and self._items[index] is message):
            return
        self._items[index] = None
        self._count -= 1
        by_ext = self._by_account.get(message.account.key, {})
        found = by_ext.get(message.ext_id)
        if isinstance(found, list):
            found.remove(message)
            if len(found) == 1:
                by_ext[message.ext_id] = found[0]
        elif found is message:
            del by_ext[message.ext_id]

    @property
    def next_id(self) -> int:
        """The id new_id() hands out next (ids below it are never handed out again)."""
        return self._first_id + len(self._items)

    @property
    def batches(self) -> int:
        return self._batches

    def restore(self, messages: list[Message], next_id: int, batches: int) -> None:
        """Take back stored messages (ascending ids) into an empty store, numbering on from
        next_id and batches, as if it had never stopped."""
        if self._items:
            raise ValueError("restore into an empty store only")
        self._first_id = min(messages[0].id, next_id) if messages else next_id
        for message in messages:
            self.add(message)
        self._items.extend([None] * (next_id - self.next_id))
        self._batches = max(self._batches, batches)

    def clear(self) -> None:
        self._first_id += len(self._items)  # ids are never reused
        self._items = []
        self._count = 0
        self._by_account.clear()
