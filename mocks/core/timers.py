"""A timer queue: items come out in order of their due time (ties in the order they were set).

Most timers are "now + a fixed delay" (queued → sent after 1 s, the report 5 s later), and
those fall due in the order they were set. Each such delay gets a FIFO lane, O(1) to push and
pop; only a timer that would break its lane's order (a scheduled send, an expiry, a delay of its
own) goes to a heap. Popping takes the earliest head among the lanes and the heap.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

Entry = tuple[float, int, T]


class TimerQueue(Generic[T]):
    def __init__(self) -> None:
        self._lanes: dict[Hashable, deque[Entry[T]]] = {}
        self._heap: list[Entry[T]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap) + sum(len(lane) for lane in self._lanes.values())

    def push(self, due: float, item: T, lane: Hashable | None = None) -> None:
        """Set a timer; `lane` names its fixed delay, if it has one."""
        entry = (due, next(self._seq), item)
        if lane is not None:
            queue = self._lanes.get(lane)
            if queue is None:
                queue = self._lanes[lane] = deque()
            if not queue or queue[-1][0] <= due:
                queue.append(entry)
                return
        heapq.heappush(self._heap, entry)

    def peek(self) -> Entry[T] | None:
        best: Entry[T] | None = self._heap[0] if self._heap else None
        for queue in self._lanes.values():
            if queue and (best is None or queue[0][:2] < best[:2]):
                best = queue[0]
        return best

    def pop_due(self, now: float) -> Entry[T] | None:
        """The earliest timer due by `now`, removed; None when nothing is due."""
        # (due, seq) compared field by field: no key tuple built on every call
        best: deque[Entry[T]] | list[Entry[T]] | None = None
        best_due, best_seq = now, 0
        heap = self._heap
        if heap and heap[0][0] <= now:
            best, best_due, best_seq = heap, heap[0][0], heap[0][1]
        for queue in self._lanes.values():
            if queue:
                head = queue[0]
                due = head[0]
                if due <= now and (best is None or due < best_due
                                   or (due == best_due and head[1] < best_seq)):
                    best, best_due, best_seq = queue, due, head[1]
        if best is None:
            return None
        if best is heap:
            return heapq.heappop(heap)
        return best.popleft()  # type: ignore[union-attr]

    def pop(self) -> Entry[T]:
        """The earliest timer, whatever its due time (for callers that check it themselves)."""
        entry = self.peek()
        if entry is None:
            raise IndexError("no timers")
        result = self.pop_due(entry[0])
        assert result is not None
        return result

    def clear(self) -> None:
        self._lanes.clear()
        self._heap.clear()
