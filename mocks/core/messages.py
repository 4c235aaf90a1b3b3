"""Messages and where they are kept.

A message is one text to one recipient. Its `ext_id` is the id the provider shows the client
(SMSC lets the client choose it, and it need not be unique); `id` is the emulator's own,
unique across the server.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from operator import attrgetter
from typing import TYPE_CHECKING

from sms_mocks.core.accounts import Account

if TYPE_CHECKING:  # delivery imports this module; the annotation alone needs Outcome
    from sms_mocks.core.delivery import Outcome


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
    outcome: Outcome | None = None  # None: the usual course (delivery.DELIVER)
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


_ID = attrgetter("id")
MAX_ODD_PHONES = 10_000  # numbers outside the searchable text; past this phone search gives up
PHONE_BATCH = 4096  # new numbers written into the searchable text at once


class MessageStore:
    """Messages by their server-wide id, and per account by (ext_id, phone).

    Ids are handed out in order, so the id index is a list; the per-account index maps an
    ext_id to its message, or to a list when one id went to several numbers. Both keep memory
    per message to a pointer or two.

    For the control API's newest-first pages there are three more, each in id order: per
    login, per provider and per number (a number with one message maps to it directly), and
    every distinct number once in one searchable text (written PHONE_BATCH at a time, and
    before a search), so "the numbers containing these digits" is a search in C rather than
    a walk over the numbers."""

    def __init__(self) -> None:
        self._items: list[Message | None] = []
        self._first_id = 1  # the id of _items[0]
        self._count = 0
        self._batches = 0
        self._by_account: dict[tuple[str, str], dict[str, Message | list[Message]]] = {}
        self._by_login: dict[str, list[Message]] = {}
        self._by_provider: dict[str, list[Message]] = {}
        self._by_phone: dict[str, Message | list[Message]] = {}
        self._newest_id = 0  # the highest id added: a higher one is appended everywhere
        self._new_phones: list[str] = []  # numbers not yet in the text
        self._phone_text = bytearray(b"\n")  # "\n" + each ASCII number + "\n"
        self._odd_phones: set[str] = set()  # numbers that cannot go in that text

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
        message_id = message.id
        index = message_id - self._first_id
        if index < 0 or (index < len(self._items) and self._items[index] is not None):
            raise ValueError(f"message id {message_id} is taken or retired")
        if index >= len(self._items):  # an id this store did not hand out: make room for it
            self._items.extend([None] * (index + 1 - len(self._items)))
        self._items[index] = message
        self._count += 1
        account = message.account
        key = account.key
        by_ext = self._by_account.get(key)
        if by_ext is None:
            by_ext = self._by_account[key] = {}
        found = by_ext.get(message.ext_id)
        if found is None:
            by_ext[message.ext_id] = message
        elif isinstance(found, list):
            found.append(message)
        else:
            by_ext[message.ext_id] = [found, message]
        by_login = self._by_login.get(account.login)
        if by_login is None:
            by_login = self._by_login[account.login] = []
        by_provider = self._by_provider.get(account.provider)
        if by_provider is None:
            by_provider = self._by_provider[account.provider] = []
        found = self._by_phone.setdefault(message.phone, message)
        if message_id > self._newest_id:  # the usual case: newest of all, last everywhere
            self._newest_id = message_id
            by_login.append(message)
            by_provider.append(message)
            if found is not message:
                if isinstance(found, list):
                    found.append(message)
                else:
                    self._by_phone[message.phone] = [found, message]
        else:
            insort(by_login, message, key=_ID)
            insort(by_provider, message, key=_ID)
            if found is not message:
                if isinstance(found, list):
                    insort(found, message, key=_ID)
                else:
                    self._by_phone[message.phone] = sorted((found, message), key=_ID)
        if found is message:
            self._new_phones.append(message.phone)
            if len(self._new_phones) >= PHONE_BATCH:
                self._write_phones()

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

    def with_ext_id(self, account: Account, ext_id: str) -> list[Message]:
        """An account's messages with this provider id, in id order (the journal's notes)."""
        found = self._by_account.get(account.key, {}).get(ext_id)
        return [] if found is None else list(found) if isinstance(found, list) else [found]

    def of_account(self, account: Account) -> list[Message]:
        """An account's messages in id order."""
        provider = account.provider
        return [m for m in self._by_login.get(account.login, ()) if m.account.provider == provider]

    # newest first, for the control API: each costs what it yields, not what is stored ------
    def newest(self, before: int | None = None) -> Iterator[Message]:
        """Every message, newest first; with `before`, only those with a smaller id."""
        items = self._items
        end = len(items) if before is None else max(0, min(len(items), before - self._first_id))
        for index in range(end - 1, -1, -1):
            message = items[index]
            if message is not None:
                yield message

    def newest_of(self, login: str, before: int | None = None) -> Iterator[Message]:
        """The messages of the accounts with this login (one a provider), newest first."""
        return _newest(self._by_login.get(login), before)

    def newest_of_provider(self, provider: str, before: int | None = None
                           ) -> Iterator[Message]:
        return _newest(self._by_provider.get(provider), before)

    def newest_to(self, phone: str, before: int | None = None) -> Iterator[Message]:
        """The messages to exactly this number (as stored), newest first."""
        return _newest(self._by_phone.get(phone), before)

    def count_of(self, login: str) -> int:
        return len(self._by_login.get(login, ()))

    def count_of_provider(self, provider: str) -> int:
        return len(self._by_provider.get(provider, ()))

    def count_to(self, phone: str) -> int:
        found = self._by_phone.get(phone)
        return 0 if found is None else len(found) if isinstance(found, list) else 1

    def phones_containing(self, fragment: str, most: int) -> list[str] | None:
        """Every stored number with `fragment` in it, or None when there are more than
        `most` of them (or too many odd numbers to look through)."""
        by_phone = self._by_phone
        if not fragment:  # in every number
            return None if len(by_phone) > most else sorted(by_phone)
        self._write_phones()
        found: set[str] = set()
        if fragment.isascii() and "\n" not in fragment:
            text, needle, start = self._phone_text, fragment.encode(), 0
            while (at := text.find(needle, start)) >= 0:
                begin = text.rfind(b"\n", 0, at) + 1
                start = text.find(b"\n", at + len(needle))
                phone = text[begin:start].decode()
                if phone in by_phone:  # still stored (the text is never shortened)
                    found.add(phone)
                    if len(found) > most:
                        return None
        if self._odd_phones:
            if len(self._odd_phones) > MAX_ODD_PHONES:
                return None
            found.update(p for p in self._odd_phones if fragment in p and p in by_phone)
        return None if len(found) > most else sorted(found)

    def _write_phones(self) -> None:
        """Put the numbers added since into the searchable text, in one go."""
        new, self._new_phones = self._new_phones, []
        if not new:
            return
        joined = "\n".join(new)
        if joined.isascii() and joined.count("\n") == len(new) - 1:  # the usual case
            self._phone_text += joined.encode()
            self._phone_text += b"\n"
            return
        for phone in new:
            if phone.isascii() and "\n" not in phone:
                self._phone_text += phone.encode()
                self._phone_text += b"\n"
            else:
                self._odd_phones.add(phone)

    def remove(self, message: Message) -> None:
        index = message.id - self._first_id
        if not (0 <= index < len(self._items) and self._items[index] is message):
            return
        self._items[index] = None
        self._count -= 1
        account = message.account
        by_ext = self._by_account.get(account.key, {})
        found = by_ext.get(message.ext_id)
        if isinstance(found, list):
            found.remove(message)
            if len(found) == 1:
                by_ext[message.ext_id] = found[0]
        elif found is message:
            del by_ext[message.ext_id]
        _discard(self._by_login, account.login, message)
        _discard(self._by_provider, account.provider, message)
        phone = message.phone
        found = self._by_phone.get(phone)
        if isinstance(found, list):
            _discard(self._by_phone, phone, message)  # type: ignore[arg-type]
            if len(found) == 1:
                self._by_phone[phone] = found[0]
        elif found is message:
            del self._by_phone[phone]
            self._odd_phones.discard(phone)

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
        self._by_login.clear()
        self._by_provider.clear()
        self._by_phone.clear()
        self._new_phones = []
        self._phone_text = bytearray(b"\n")
        self._odd_phones.clear()


def _discard(index: dict[str, list[Message]], key: str, message: Message) -> None:
    """Take a message out of an id-ordered list of an index (the key goes with its last)."""
    listed = index.get(key)
    if listed:
        at = bisect_left(listed, message.id, key=_ID)
        if at < len(listed) and listed[at] is message:
            del listed[at]
            if not listed:
                del index[key]


def _newest(found: Message | list[Message] | None, before: int | None) -> Iterator[Message]:
    if found is None:
        return iter(())
    if not isinstance(found, list):
        return iter((found,) if before is None or found.id < before else ())
    end = len(found) if before is None else bisect_left(found, before, key=_ID)
    return (found[index] for index in range(end - 1, -1, -1))
