"""What changed since the last commit, for a store that writes the core's state through.

The core only notes changes here (which account, which message, which dialect state); a
store (mocks/store/) decides when and how to write them. Without a store the gateway holds
no Changes at all, and each hook costs one attribute check.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from mypy_extensions import mypyc_attr

from sms_mocks.core.accounts import Account
from sms_mocks.core.messages import Message


@mypyc_attr(allow_interpreted_subclasses=True)  # the store's subclass is not compiled
class Changes:
    def __init__(self) -> None:
        self.accounts: set[Account] = set()  # by identity (Account has eq=False)
        self.messages: dict[int, Message] = {}
        self.deleted: set[int] = set()
        self.retired: set[tuple[str, str]] = set()  # accounts removed, by (provider, login)
        self.dialect: set[str] = set()  # names in Gateway.dialect_state
        self.cleared = False  # everything was forgotten (a reset): the store starts over
        # Limit hits counted since the last commit, so that a rollback can take them back too.
        self.hits: list[tuple[Any, Hashable, float, object]] = []

    def __bool__(self) -> bool:
        return bool(self.accounts or self.messages or self.deleted or self.retired
                    or self.dialect or self.cleared)

    def message(self, message: Message) -> None:
        self.messages[message.id] = message

    def delete(self, message: Message) -> None:
        self.messages.pop(message.id, None)
        self.deleted.add(message.id)

    def clear_all(self) -> None:
        """Everything was forgotten: what was pending no longer needs writing."""
        self.messages.clear()
        self.deleted.clear()
        self.retired.clear()
        self.dialect.clear()
        self.cleared = True

    def hit(self, window: Any, key: Hashable, stamp: float) -> None:
        """A limit counted a request; not a change to write (it does not make self true)."""
        self.hits.append((window, key, stamp, None))

    def done(self) -> None:
        """Written: start noting afresh."""
        self.hits.clear()
        self.accounts.clear()
        self.messages.clear()
        self.deleted.clear()
        self.retired.clear()
        self.dialect.clear()
        self.cleared = False
