"""Mailings as SMS-Pager reports them: the messages of one accepted send.xml, counted by state.

SMS-Pager's words for the core's states: waiting (ОЖИДАНИЕ) is queued, enqueued (В СЕТИ) is
with the operator, delivered, notDelivered (undelivered or expired) and cancel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sms_mocks.core.messages import Message, State
from sms_mocks.core.money import ZERO

GROUPS = {
    State.DELIVERED: "delivered",
    State.READ: "delivered",  # SMS-Pager has no read receipts
    State.UNDELIVERED: "notDelivered",
    State.EXPIRED: "notDelivered",
    State.QUEUED: "waiting",
    State.SENT: "enqueued",
    State.CANCELLED: "cancel",
}
DETAIL_ORDER = ("delivered", "notDelivered", "waiting", "enqueued", "cancel", "onModer")
ALWAYS_SHOWN = ("delivered", "notDelivered", "waiting", "enqueued")


@dataclass(slots=True)
class Mailing:
    batch: int
    messages: list[Message] = field(default_factory=list)

    @property
    def first(self) -> Message:
        return self.messages[0]

    def count(self, group: str) -> int:
        return sum(1 for m in self.messages if GROUPS.get(m.state) == group)

    def payment(self) -> Decimal:
        """What the mailing costs now: refunded messages no longer count."""
        return sum((m.cost for m in self.messages if not m.refunded), ZERO)


def mailings(messages: Iterable[Message]) -> list[Mailing]:
    """Accepted messages grouped by mailing, oldest first (refused numbers are not listed)."""
    by_batch: dict[int, Mailing] = {}
    for m in sorted(messages, key=lambda m: m.id):
        if m.state is State.REJECTED:
            continue
        by_batch.setdefault(m.batch, Mailing(m.batch)).messages.append(m)
    return list(by_batch.values())


def detail(messages: Iterable[Message]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {name: [] for name in DETAIL_ORDER}
    for m in sorted(messages, key=lambda m: m.id):
        group = GROUPS.get(m.state)
        if group is not None:
            groups[group].append(m.phone)
    return groups
