"""A running emulator: the settings it was started with and the gateway built from them."""

from __future__ import annotations

import sys

from sms_mocks.config import Settings, account_from_spec, outcome_rules
from sms_mocks.control.sink import Sink
from sms_mocks.core.accounts import AccountRegistry
from sms_mocks.core.clock import Clock
from sms_mocks.core.gateway import Gateway
from sms_mocks.core.inbound import InboundStore
from sms_mocks.faults.rules import Book
from sms_mocks.journal.recorder import Journal
from sms_mocks.observe.requests import RequestLog
from sms_mocks.outbound.outbox import Outbox
from sms_mocks.seam import registry
from sms_mocks.store import Persistence


def make_clock(settings: Settings) -> Clock:
    if settings.clock == "virtual":
        return Clock.virtual(settings.clock_start)
    return Clock(speed=settings.clock_speed, start=settings.clock_start)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.internal_errors = 0
        self.waiting = 0  # /_mock/messages/wait requests blocked now (health shows it)
        # With a data dir the stored state is loaded over the configured one (mocks/store).
        self.persistence = Persistence(settings.data_dir) if settings.data_dir else None
        clock = make_clock(settings)
        if self.persistence is not None:
            clock = self.persistence.resumed_clock(clock)
        self.gateway = Gateway(clock=clock, timings=settings.timings, limits=settings.limits())
        self.gateway.magic_prefix = settings.magic_prefix if settings.magic_enabled else None
        self._load_accounts(self.gateway.accounts)
        if self.persistence is not None:
            self.persistence.attach(self.gateway)
        self.gateway.outcome_rules = outcome_rules(self.settings.outcomes)
        self.outbox = Outbox(self.gateway.clock, allow=settings.callback_allow)
        for provider in registry.providers():  # status callbacks, say
            if provider.attach is not None:
                provider.attach(self.gateway.events, self.outbox)
        self.sink = Sink()  # /_mock/sink/{name}
        self.inbound = InboundStore()  # /_mock/inbound
        self.faults = Book(settings.seed)  # fault rules: the configured ones to start with
        self.faults.load(settings.faults)
        self.journal = Journal(settings.journal_size, self.gateway.now)  # /_mock/journal
        # the request log and /_mock/metrics' request counts
        self.requests = RequestLog(self.gateway, settings.log_format, sys.stderr,
                                   self._count_error)

    def _count_error(self) -> None:
        self.internal_errors += 1

    def _load_accounts(self, registry: AccountRegistry) -> None:
        for spec in self.settings.accounts:
            registry.add(account_from_spec(spec))

    def reset(self) -> None:
        """Back to the configured state; the clock keeps its reading (it never goes back)."""
        self.gateway.clear()
        self.outbox.clear()
        self.sink.clear()
        self.inbound.clear()
        self.journal.clear()
        for account in self.gateway.accounts:
            self.gateway.accounts.remove(account)
        self._load_accounts(self.gateway.accounts)
        self.gateway.outcome_rules = outcome_rules(self.settings.outcomes)
        self.faults.load(self.settings.faults)
        # internal_errors is kept: the pytest fixture compares it across each test
