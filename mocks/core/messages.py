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

from mocks.core.accounts import Account


class State(IntEnum):
    QUEUED = 0  # accepted, waiting to leave (also: scheduled for later)
    SENT = 1  # handed to the operator, no report yet
    DELIVERED = 2
    UNDELIVERED = 3  # the operator reported a failure, see `err`
    EXPIRED = 4  # validity ran out without a report
    CANCELLED = 5
    REJECTED = 6  # refused on acceptance (stop-list, flood, no route), never charged

    @property
    def final(self) -> bool:
        return self >= State.DELIVERED

    @property
    def label(self) -> str:
        return self.name.lower()


# Delivery error codes. The core speaks SMSC's `err` table (FACTS B.3), the richest of the
# three providers'; other dialects map from it.
ERR_NONE = 0
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
    history: list[tuple[int, float, int]] | None = None  # (state, at, err) after QUEUED

    @property
    def provider(self) -> str:
        return self.account.provider

    def timeline(self) -> list[tuple[State, float, int]]:
        first = [(State.QUEUED, self.created_at, ERR_NONE)]
        return first + [(State(s), at, err) for s, at, err in self.history or ()]


class MessageStore:
    def __init__(self) -> None:
        self._by_id: dict[int, Message] = {}
        self._by_account: dict[tuple[str, str], dict[tuple[str, str], Message]] = {}
        self._next_id = 1

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Message]:
        return iter(list(self._by_id.values()))

    def new_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, message: Message) -> None:
        self._by_id[message.id] = message
        index = self._by_account.get(message.account.key)
        if index is None:
            index = self._by_account[message.account.key] = {}
        # SMSC ids need not be unique: the newest message with an (id, phone) pair wins.
        index[(message.ext_id, message.phone)] = message

    def get(self, message_id: int) -> Message | None:
        return self._by_id.get(message_id)

    def find(self, account: Account, ext_id: str, phone: str) -> Message | None:
        index = self._by_account.get(account.key)
        return None if index is None else index.get((ext_id, phone))

    def find_by_ext_id(self, account: Account, ext_id: str) -> list[Message]:
        index = self._by_account.get(account.key, {})
        return [m for (eid, _), m in index.items() if eid == ext_id]

    def of_account(self, account: Account) -> list[Message]:
        return list(self._by_account.get(account.key, {}).values())

    def remove(self, message: Message) -> None:
        self._by_id.pop(message.id, None)
        index = self._by_account.get(message.account.key)
        if index is not None and index.get((message.ext_id, message.phone)) is message:
            del index[(message.ext_id, message.phone)]

    def forget_account(self, account: Account) -> None:
        for message in self._by_account.pop(account.key, {}).values():
            self._by_id.pop(message.id, None)

    def clear(self) -> None:
        self._by_id.clear()
        self._by_account.clear()
