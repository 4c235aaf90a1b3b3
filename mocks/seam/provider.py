"""What a provider package declares: everything the rest of the emulator needs to know of it.

A provider is a package under `sms_mocks.providers` whose `provider` module holds `PROVIDER`, a
`Provider`. The rest of the emulator (the app, faults, the journal, the request log, the
control plane, TLS) knows providers only through `sms_mocks.seam.registry`; none of it
names one. ARCHITECTURE.md has the checklist for adding one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute
from starlette.types import Scope

from sms_mocks.core.limits import Rule
from sms_mocks.seam.exchange import Facts, Reading, Record
from sms_mocks.seam.recording import Recording

if TYPE_CHECKING:  # annotations only: the settings read the registry
    from sms_mocks.core.events import EventBus
    from sms_mocks.core.gateway import Gateway
    from sms_mocks.outbound.outbox import Outbox
    from sms_mocks.settings.kinds import Setting

# A provider's ways of understanding requests:
Parse = Callable[[str, Scope, bytes], Reading]  # the one reading of a request's bytes
Match = Callable[[Reading, "Gateway"], Facts]  # what fault rules match on
Read = Callable[[Record, "Gateway"], Reading]  # a record no endpoint described
Explain = Callable[[Record, Reading, "Gateway"], "str | None"]  # why a refusal was refused


@dataclass(frozen=True)
class Provider:
    """Everything the emulator needs to know of one provider."""

    name: str  # the accounts' namespace and what configuration files say: "smsc"
    title: str  # for people: "SMSC"
    apis: tuple[str, ...]  # what the ready line lists: ("SMSC HTTP", "SMSC SOAP")
    hosts: tuple[str, ...]  # the real hosts, for host routing and the TLS certificate
    routes: Sequence[BaseRoute]  # every path at the place the real host serves it
    parse: Parse  # the reader its endpoints use, and the fault matcher before them
    facts: Match  # what a reading is about, for fault rules
    read: Read  # a journal record as understood, for a request no endpoint described
    explain: Explain  # a refused request's explanation in the provider's words
    fault_codes: frozenset[int | str]  # the documented errors a fault rule may answer
    accounts: tuple[Mapping[str, Any], ...] = ()  # the default accounts, as configured
    limits: Mapping[str, Rule] = field(default_factory=dict)  # "<name>.<rule>" → its default
    shared_senders: frozenset[str] = frozenset()  # any account may sign so (casefolded)
    default_senders: tuple[str, ...] = ()  # approved for an account configured without any
    settings: tuple[Setting, ...] = ()  # its own: key "<name>.<key>", attr "dialect.<key>"
    # How an incoming SMS is POSTed to an account's callback_url: (phone, text, to, secret) →
    # form; None when the provider passes none on.
    inbound_form: Callable[[str, str, str, str], dict[str, str]] | None = None
    attach: Callable[[EventBus, Outbox], None] | None = None  # e.g. status callbacks
    # What the data dir keeps of the dialect's own state (Gateway.dialect_state), by its
    # name: to JSON and back.
    stored_state: Mapping[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = \
        field(default_factory=dict)
    recording: Recording | None = None  # its dialects, for `sms-mocks record` and `diff`

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(getattr(route, "path", "") for route in self.routes)
