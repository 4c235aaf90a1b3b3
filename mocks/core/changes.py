"""What changed since the last commit, for a store that writes the core's state through.

The core only notes changes here (which account, which message, which dialect state); a
store (mocks/store/) decides when and how to write them. Without a store the gateway holds
no Changes at all, and each hook costs one attribute check.
"""

from __future__ import annotations

from sms_mocks.core.accounts import Account
from sms_mocks.core.messages import Message


class Changes:
    def __init__(self) -> None:
        self.accounts: set[Account] = set()  # by identity (Account has eq=False)
        self.messages: dict[int, Message] = {}
        self.deleted: set[int] = set()
        self.dialect: set[str] = set()  # names in Gateway.dialect_state
        self.cleared = False  # everything was forgotten (a reset): the store starts over

    def __bool__(self) -> bool:
        return bool(self.accounts or self.messages or self.deleted or self.dialect
                    or self.cleared)

    def message(self, message: Message) -> None:
        self.messages[message.id] = message

    def delete(self, message: Message) -> None:
        self.messages.pop(message.id, None)
        self.deleted.add(message.id)

    def clear_all(self) -> None:
        """Everything was forgotten: what was pending no longer needs writing."""
        self.messages.clear()
        self.deleted.clear()
        self.dialect.clear()
        self.cleared = True

    def done(self) -> None:
        """Written: start noting afresh."""
        self.accounts.clear()
        self.messages.clear()
        self.deleted.clear()
        self.dialect.clear()
        self.cleared = False
