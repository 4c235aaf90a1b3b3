"""Outgoing HTTP the emulator sends on its own (status callbacks), with retries.

Each URL has its own queue, sent one POST at a time in the order the callbacks were made. A
POST that fails (a connection error, a timeout, or a status other than 2xx) is tried again
after BACKOFF[attempt] seconds of the emulator's clock, so a test advances the clock rather
than wait; after the last, it is given up. Meanwhile the URL's later callbacks go on, so a
retried one arrives after them. A refusal (callback_allow, below) is not tried again. The
sending itself is mocks/outbound/posting.py's job.

Where callbacks may go is `callback_allow` (CallbackAllow): networks (CIDR, or an address),
host names, either on one port or any. Link-local and cloud metadata addresses are refused
even where a broad entry covers them, unless an entry lies inside them.

With a data dir, a status callback waits for the commit of the change it reports (a barrier,
store/persistence.py): it is queued once that is on disk, and dropped if the change is rolled
back, so a receiver never hears of a message the emulator then forgets.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import re
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, cast

from sms_mocks.core.clock import Clock
from sms_mocks.core.events import EventBus

BACKOFF = (10.0, 60.0, 300.0, 900.0, 3600.0)  # seconds before each retry
HISTORY = 1000  # attempts kept for /_mock/callbacks
MAX_WAITING = 100_000  # callbacks queued at once; past it new ones are dropped and counted

# Where callbacks may go unless configured otherwise: loopback and the private ranges, where
# a test's or a CI job's own application listens (compose services, pods, the host).
DEFAULT_CALLBACK_ALLOW = ("127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12",
                          "192.168.0.0/16", "fc00::/7")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Refused even where a broad entry (0.0.0.0/0, a host name) covers them: only an entry that
# lies inside one of these opens it.
LINK_LOCAL_AND_METADATA: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in (
    "169.254.0.0/16",  # IPv4 link-local, where the clouds' metadata services are
    "fe80::/10",  # IPv6 link-local
    "fd00:ec2::254/128",  # AWS's metadata service over IPv6
    "100.100.100.200/32",  # Alibaba Cloud's metadata service
    "168.63.129.16/32",  # Azure's platform endpoint
))

_HOST_NAME = re.compile(r"(?=.{1,253}\Z)(?!\d+\Z)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
                        r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\Z")


@dataclass(frozen=True, slots=True)
class Entry:
    """One callback_allow entry: a network (an address is a network of one) or a host name,
    on one port or any."""

    text: str
    network: Network | None  # None: a host name
    host: str = ""  # the name, lower case, when network is None
    port: int | None = None  # None: any port

    @property
    def opens_refused(self) -> bool:
        """An entry inside a link-local or metadata range opens that much of it."""
        network = self.network
        return network is not None and any(_within(network, refused)
                                           for refused in LINK_LOCAL_AND_METADATA)


def _within(network: Network, outer: Network) -> bool:
    """subnet_of, which takes two networks of one version (and raises for mixed ones)."""
    if isinstance(network, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return network.subnet_of(outer)
    if isinstance(network, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return network.subnet_of(outer)
    return False


def _port(text: str, entry: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 65536):
        raise ValueError(f"callback_allow entry {entry!r}: the port is a number 1..65535")
    return int(text)


def parse_entry(text: str) -> Entry:
    """"10.0.0.0/8", "10.1.2.3", "::1", "fd00::/8"; with a port "10.1.2.3:8080",
    "10.0.0.0/8:8080", "[::1]:8080"; a host name "app" or "app:8080". ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"callback_allow entries are strings, not {text!r}")
    given = text.strip()
    if not given or not given.isascii():
        raise ValueError(f"callback_allow entry {text!r}: an address, network or host name")
    if given.startswith("["):
        inner, bracket, rest = given[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"callback_allow entry {text!r}: [address]:port")
        try:
            network = ipaddress.ip_network(inner, strict=False)
        except ValueError:
            raise ValueError(f"callback_allow entry {text!r}: not an address") from None
        return Entry(given, network, port=_port(rest[1:], text) if rest else None)
    with contextlib.suppress(ValueError):
        return Entry(given, ipaddress.ip_network(given, strict=False))
    head, colon, tail = given.rpartition(":")
    port = None
    if colon:
        if ":" in head:
            raise ValueError(f"callback_allow entry {text!r}: an IPv6 address with a port "
                             "goes in brackets, [::1]:8080")
        port, given = _port(tail, text), head
    with contextlib.suppress(ValueError):
        return Entry(text.strip(), ipaddress.ip_network(given, strict=False), port=port)
    name = given.lower().rstrip(".")
    if not _HOST_NAME.match(name):
        raise ValueError(f"callback_allow entry {text!r}: not an address, network or host "
                         "name")
    return Entry(text.strip(), None, host=name, port=port)


def _plain(address: Address) -> Address:
    """An IPv4 address written as IPv6 (::ffff:a.b.c.d) is checked as the IPv4 one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class CallbackAllow:
    """Where callbacks may go: the configured entries, minus link-local and metadata
    addresses that no entry names specifically."""

    def __init__(self, entries: Iterable[str] = DEFAULT_CALLBACK_ALLOW) -> None:
        self.entries = tuple(parse_entry(e) for e in entries)

    def __repr__(self) -> str:
        return f"CallbackAllow({[e.text for e in self.entries]!r})"

    def permits(self, host: str, port: int, address: Address) -> bool:
        """May a callback for `host` (the URL's, lower case) on `port` connect to `address`
        (one of what `host` resolved to)?"""
        address = _plain(address)
        refused = any(address in network for network in LINK_LOCAL_AND_METADATA)
        host = host.lower().rstrip(".")
        for entry in self.entries:
            if entry.port is not None and entry.port != port:
                continue
            if entry.network is None:
                if entry.host == host and not refused:
                    return True
            elif address in entry.network and (not refused or entry.opens_refused):
                return True
        return False




@dataclass(slots=True)
class Delivery:
    id: int
    url: str
    form: dict[str, str]
    due: float
    generation: int  # the outbox's generation when posted: a reset forgets older ones
    attempts: int = 0


@dataclass(slots=True)
class Attempt:
    delivery: int
    url: str
    form: dict[str, str]
    attempt: int
    at: float
    status: int | None  # the HTTP status, or None when no answer came
    error: str = ""
    retry_at: float | None = None  # when it is tried again; None: delivered or given up


class Barrier(Protocol):
    """What a status callback waits for: a store's commit of the change it reports."""

    def hold(self, outbox: Outbox, url: str, form: dict[str, str]) -> None:
        """Post it to `outbox` once what is pending is on disk (at once if nothing is); drop it
        if that is rolled back."""


def set_barrier(events: EventBus, barrier: Barrier | None) -> None:
    """The barrier of a gateway's event bus (a data dir's Persistence registers itself), for
    the callbacks that bus's events make. Weak: a barrier holds its bus."""
    events.barrier = None if barrier is None else weakref.ref(barrier)


def barrier_of(events: EventBus) -> Barrier | None:
    ref = events.barrier
    return cast("Barrier | None", ref()) if isinstance(ref, weakref.ref) else None


@dataclass
class Outbox:
    clock: Clock
    backoff: tuple[float, ...] = BACKOFF
    limit: int = MAX_WAITING
    # where POSTs may go: a CallbackAllow, or callback_allow's entries
    allow: CallbackAllow | Iterable[str] = field(default_factory=CallbackAllow)
    history: deque[Attempt] = field(default_factory=lambda: deque(maxlen=HISTORY))
    dropped: int = 0  # posted while the queue was full
    _queues: dict[str, list[Delivery]] = field(default_factory=dict)  # by URL, in id order
    _earliest: dict[str, float] = field(default_factory=dict)  # each queue's first due time
    _waiting: int = 0
    _busy: set[str] = field(default_factory=set)  # URLs with a batch on its way
    _generation: int = 0
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        if not isinstance(self.allow, CallbackAllow):
            self.allow = CallbackAllow(self.allow)

    @property
    def generation(self) -> int:
        """Goes up with each clear(): a callback held from before one is not posted."""
        return self._generation

    def post(self, url: str, form: dict[str, str], generation: int | None = None) -> None:
        """Queue a POST; one held since an older generation (a reset came) is dropped."""
        if generation is not None and generation != self._generation:
            return
        if self._waiting >= self.limit:
            self.dropped += 1
            return
        delivery = Delivery(next(self._ids), url, form, self.clock.now(), self._generation)
        self._queue(delivery)

    def _queue(self, delivery: Delivery) -> None:
        queue = self._queues.setdefault(delivery.url, [])
        if queue and queue[-1].id > delivery.id:  # a retry goes back to its place
            index = next(i for i, d in enumerate(queue) if d.id > delivery.id)
            queue.insert(index, delivery)
        else:
            queue.append(delivery)
        self._earliest[delivery.url] = min(self._earliest.get(delivery.url, delivery.due),
                                           delivery.due)
        self._waiting += 1

    def take_due(self) -> list[list[Delivery]]:
        """What is due by now, one batch a URL in the order it was posted, for a sender to send
        one after the other (a receiver sees "sent" before "delivered"). A URL with a batch
        still on its way waits for the next call. Taken deliveries leave the queue until done.
        Only a URL with something due is looked through."""
        now = self.clock.now()
        due_urls = [url for url, at in self._earliest.items()
                    if at <= now and url not in self._busy]
        batches = []
        for url in due_urls:
            queue = self._queues[url]
            batch = [d for d in queue if d.due <= now]
            kept = [d for d in queue if d.due > now]
            if kept:
                self._queues[url] = kept
                self._earliest[url] = min(d.due for d in kept)
            else:
                del self._queues[url], self._earliest[url]
            self._waiting -= len(batch)
            self._busy.add(url)
            batches.append(batch)
        return batches

    def finished(self, batch: list[Delivery]) -> None:
        """The sender is through a batch (or gave up on it)."""
        if batch and batch[0].generation == self._generation:
            self._busy.discard(batch[0].url)

    def done(self, delivery: Delivery, status: int | None, error: str = "",
             retry: bool = True) -> None:
        """An attempt's result; a failure is tried again on the backoff (unless `retry` is
        False: a refusal) until the last step."""
        if delivery.generation != self._generation:
            return  # posted before a reset: forgotten
        now = self.clock.now()
        delivery.attempts += 1
        ok = status is not None and 200 <= status < 300
        retry_at = None
        if not ok and retry and delivery.attempts <= len(self.backoff):
            retry_at = now + self.backoff[delivery.attempts - 1]
            delivery.due = retry_at
            self._queue(delivery)
        self.history.append(Attempt(delivery.id, delivery.url, delivery.form,
                                    delivery.attempts, now, status, error, retry_at))

    @property
    def pending(self) -> int:
        return self._waiting

    def clear(self) -> None:
        """Forget everything, including batches on their way: what they report is ignored."""
        self._generation += 1
        self._queues.clear()
        self._earliest.clear()
        self._busy.clear()
        self._waiting = 0
        self.dropped = 0
        self.history.clear()
